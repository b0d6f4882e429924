//! The page a one-time sign-in link opens, in the ops app, the portal and
//! the field app alike: a button whose POST spends the link. Opening the
//! page changes nothing, so a mail or SMS scanner that follows the link
//! spends no token and gets no session.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::{Lang, Messages};
use crate::web::PageError;

/// Never cached; the address (which holds the link's token) is never sent
/// to another site. `same-origin` rather than `no-referrer`: with the latter
/// browsers send `Origin: null` on our own forms, which the origin check
/// must refuse.
pub fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [(header::CACHE_CONTROL, "no-store"), (header::REFERRER_POLICY, "same-origin")]
}

/// Which sign-in the link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Ops,
    Portal,
    Tech,
}

impl Area {
    /// Where the button posts the token; also the address the page shows.
    fn action(self) -> &'static str {
        match self {
            Area::Ops => "/ops/auth",
            Area::Portal => "/portal/auth",
            Area::Tech => "/j/auth",
        }
    }

    /// The prefix of the page's messages (`ops.confirm.title`, …).
    fn messages(self) -> &'static str {
        match self {
            Area::Ops => "ops",
            Area::Portal => "portal",
            Area::Tech => "tech",
        }
    }
}

#[derive(Template)]
#[template(path = "web/templates/link_page.html")]
struct LinkPage {
    m: Messages,
    current_path: String,
    area: Area,
    title: String,
    body: String,
    button: String,
    token: String,
    /// The portal page to come back to once signed in.
    next: Option<String>,
}

/// The confirmation page for a live link.
pub fn render(lang: Lang, area: Area, token: String, next: Option<String>) -> Result<Response, PageError> {
    let m = Messages::new(lang);
    let key = |part: &str| m.t(&format!("{}.confirm.{part}", area.messages())).to_owned();
    let (title, body, button) = (key("title"), key("body"), key("button"));
    let page = LinkPage { current_path: area.action().to_owned(), area, title, body, button, token, next, m };
    let html = page.render().map_err(|e| PageError::internal(lang, e))?;
    Ok((StatusCode::OK, no_store(), Html(html)).into_response())
}
