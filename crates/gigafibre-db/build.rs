//! Fingerprints the migration sources, so that a test database template made
//! from an older schema is never reused after a migration changes.

use std::path::Path;

fn main() {
    let dir = Path::new("src/migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    // FNV-1a over every file's name and bytes: stable across builds and
    // machines, and needs no dependency.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(&file).unwrap_or_default();
        for byte in name.as_bytes().iter().chain(b"\n").chain(&bytes) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=GIGAFIBRE_SCHEMA_FINGERPRINT={hash:016x}");
}
