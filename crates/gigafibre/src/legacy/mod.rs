//! The legacy system's CSV export: writing it from demo data, and importing
//! it. The layout is documented in `docs/legacy-import.md`.

mod export;
mod import;
mod known;
mod layout;
mod parse;
mod steps;

pub use export::{ExportError, export};
pub use import::{FileReport, ImportError, ImportReport, Rejection, import};
