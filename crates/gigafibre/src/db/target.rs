//! Which database `DATABASE_URL` names, read strictly so that a typo is a
//! clear error before anything is touched.

use std::fmt;
use std::path::PathBuf;

/// The two engines the system runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A parsed `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An embedded database file (created with its folder when missing).
    SqliteFile(PathBuf),
    /// A private in-memory database, for tests.
    SqliteMemory,
    /// A PostgreSQL server; the URL may carry a password.
    Postgres(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("DATABASE_URL is empty; use sqlite:PATH or postgres://USER@HOST/DB")]
    Empty,
    #[error("DATABASE_URL '{0}' is not understood; use sqlite:PATH or postgres://USER@HOST/DB")]
    Unknown(String),
    #[error("DATABASE_URL 'sqlite:' names no file; use sqlite:./data/gigafibre.db")]
    NoPath,
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadPostgres(String),
}

impl DatabaseTarget {
    pub const DEFAULT_URL: &str = "sqlite:./data/gigafibre.db";

    pub fn parse(url: &str) -> Result<DatabaseTarget, TargetError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(TargetError::Empty);
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            return match path {
                "" => Err(TargetError::NoPath),
                ":memory:" => Ok(DatabaseTarget::SqliteMemory),
                path => Ok(DatabaseTarget::SqliteFile(PathBuf::from(path))),
            };
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url).map_err(|error| TargetError::BadPostgres(error.to_string()))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(TargetError::BadPostgres("it names no host".into()));
            }
            return Ok(DatabaseTarget::Postgres(url.to_owned()));
        }
        Err(TargetError::Unknown(redact_password(url)))
    }

    pub fn engine(&self) -> Engine {
        match self {
            DatabaseTarget::SqliteFile(_) | DatabaseTarget::SqliteMemory => Engine::Sqlite,
            DatabaseTarget::Postgres(_) => Engine::Postgres,
        }
    }

    /// The URL handed to the driver.
    pub fn driver_url(&self) -> String {
        match self {
            DatabaseTarget::SqliteFile(path) => format!("sqlite://{}?mode=rwc", path.display()),
            DatabaseTarget::SqliteMemory => "sqlite::memory:".to_owned(),
            DatabaseTarget::Postgres(url) => url.clone(),
        }
    }
}

/// Shown in logs and `config check`: never the password.
impl fmt::Display for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseTarget::SqliteFile(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseTarget::SqliteMemory => f.write_str("sqlite::memory:"),
            DatabaseTarget::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_people_write() {
        assert_eq!(DatabaseTarget::parse("sqlite:./data/x.db"), Ok(DatabaseTarget::SqliteFile("./data/x.db".into())));
        assert_eq!(DatabaseTarget::parse("sqlite:///tmp/x.db"), Ok(DatabaseTarget::SqliteFile("/tmp/x.db".into())));
        assert_eq!(DatabaseTarget::parse("sqlite::memory:"), Ok(DatabaseTarget::SqliteMemory));
        assert_eq!(
            DatabaseTarget::parse("postgres://postgres@127.0.0.1/test").map(|t| t.engine()),
            Ok(Engine::Postgres)
        );
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert_eq!(DatabaseTarget::parse(""), Err(TargetError::Empty));
        assert_eq!(DatabaseTarget::parse("sqlite:"), Err(TargetError::NoPath));
        assert!(matches!(DatabaseTarget::parse("mysql://root@x/db"), Err(TargetError::Unknown(_))));
        assert!(matches!(DatabaseTarget::parse("postgres://"), Err(TargetError::BadPostgres(_))));
    }

    #[test]
    fn never_shows_a_password() {
        let target = DatabaseTarget::parse("postgres://app:hunter2@db.example/prod").unwrap();
        assert!(!target.to_string().contains("hunter2"));
        let error = DatabaseTarget::parse("mysql://app:hunter2@db/x").unwrap_err();
        assert!(!error.to_string().contains("hunter2"));
    }
}
