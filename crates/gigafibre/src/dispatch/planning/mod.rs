//! Planning technicians' days: the hard rules every place keeps (pure), the
//! board's drop that checks them, and "Plan this day", which asks the route
//! optimiser (`gigafibre-route`) for a proposal, checks it, keeps it in the
//! database and applies it whole or in part.
//!
//! - `rules`: skill and level, shift, overlap, duration, window (pure);
//! - `day`: one local day as the board and the planner read it;
//! - `place`: a drop, a move, an unassign, a pin;
//! - `problem`: the day as the optimiser reads it, and its answer read back (pure);
//! - `capacity`: a backlog cut to what the day can hold before the search (pure);
//! - `propose`: "Plan this day";
//! - `accept`: applying a proposal.

pub mod accept;
pub mod capacity;
pub mod day;
pub mod place;
pub mod problem;
pub mod propose;
pub mod rules;

use crate::i18n::{Lang, Messages};
use gigafibre_db::entities::skill;
use rules::Refusal;

/// The sentence that tells a dispatcher why a place is refused.
pub fn explain(lang: Lang, refusal: Refusal, skills: &[skill::Model]) -> String {
    let m = Messages::new(lang);
    match refusal {
        Refusal::ZeroDuration => m.t("dispatch.refused.zero_duration").to_owned(),
        Refusal::AlreadyStarted => m.t("dispatch.refused.already_started").to_owned(),
        Refusal::InactiveTechnician => m.t("dispatch.refused.inactive").to_owned(),
        Refusal::MissingSkill(need) => {
            let name = skills.iter().find(|s| s.id == need.skill_id).map_or_else(
                || need.skill_id.to_string(),
                |s| if lang == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() },
            );
            m.t("dispatch.refused.missing_skill")
                .replace("{skill}", &name)
                .replace("{level}", &need.min_level.to_string())
        }
        Refusal::OutsideWindow => m.t("dispatch.refused.outside_window").to_owned(),
        Refusal::OutsideShift => m.t("dispatch.refused.outside_shift").to_owned(),
        Refusal::Overlap(other) => m.t("dispatch.refused.overlap").replace("{job}", &other.to_string()),
    }
}
