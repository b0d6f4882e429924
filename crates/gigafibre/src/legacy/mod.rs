//! The legacy system's CSV export: writing it from demo data, and importing
//! it. The layout is documented in `docs/legacy-import.md`.

mod export;
mod import;
mod layout;
mod parse;

pub use export::{ExportError, export};
pub use import::{FileReport, ImportError, ImportReport, Rejection, import};
