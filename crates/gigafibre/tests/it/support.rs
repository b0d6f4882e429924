//! Running the real `gigafibre` binary against a test database.

use std::path::Path;
use std::process::{Command, Output};

use gigafibre::db::testing::TestDatabase;

/// What a command printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn success(self) -> Run {
        assert_eq!(self.code, 0, "command failed\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// Runs `gigafibre ARGS` with `DATABASE_URL` set to `url`, in `dir`.
pub fn gigafibre_at(url: &str, dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_gigafibre"))
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env_remove("GIGAFIBRE_CONFIG")
        .env("GIGAFIBRE_DATA_DIR", dir.join("data"))
        .output()
        .expect("run gigafibre");
    Run::from(output)
}

/// Runs `gigafibre ARGS` on the test's database.
pub fn gigafibre(db: &TestDatabase, dir: &Path, args: &[&str]) -> Run {
    gigafibre_at(&db.url(), dir, args)
}

/// The counts `stats --json` prints.
pub fn stats(db: &TestDatabase, dir: &Path) -> serde_json::Value {
    let run = gigafibre(db, dir, &["stats", "--json"]).success();
    serde_json::from_str(&run.stdout).expect("stats prints JSON")
}

pub fn is_postgres(db: &TestDatabase) -> bool {
    db.url().starts_with("postgres")
}
