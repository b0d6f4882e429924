//! A technician's working day: times of day as typed and as shown, and the
//! rule that a shift ends after it starts (no shift runs past midnight).

use crate::i18n::Lang;

/// Minutes in a day: a time of day is `0..DAY`.
const DAY: i32 = 24 * 60;

/// Why a typed time of day was refused: the catalogue key of the message.
pub const INVALID_TIME: &str = "ops.team.error.time";
pub const END_BEFORE_START: &str = "ops.team.error.shift_order";

/// Reads `8:00`, `08:00`, `8h00`, `08 h 00` or `8 h` as minutes after midnight.
pub fn parse_time(typed: &str) -> Option<i32> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let (hours, minutes) = match compact.split_once([':', 'h']) {
        Some((hours, "")) => (hours, "0"),
        Some(parts) => parts,
        None => return None,
    };
    let number = |part: &str, max: i32| -> Option<i32> {
        if part.is_empty() || part.len() > 2 || !part.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse::<i32>().ok().filter(|value| *value < max)
    };
    let minutes = if minutes.len() == 1 && minutes != "0" { None } else { number(minutes, 60) };
    Some(number(hours, 24)? * 60 + minutes?)
}

/// `HH:MM`, the form an `<input type="time">` holds and the audit log keeps.
pub fn to_input(minute: i32) -> String {
    let minute = minute.rem_euclid(DAY);
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A time of day as each language writes it: `08 h 00`, `8:00 AM`.
pub fn show_time(lang: Lang, minute: i32) -> String {
    let minute = minute.rem_euclid(DAY);
    let (hours, minutes) = (minute / 60, minute % 60);
    match lang {
        Lang::Fr => format!("{hours:02}\u{a0}h\u{a0}{minutes:02}"),
        Lang::En => {
            let suffix = if hours < 12 { "AM" } else { "PM" };
            let twelve = match hours % 12 {
                0 => 12,
                h => h,
            };
            format!("{twelve}:{minutes:02}\u{a0}{suffix}")
        }
    }
}

/// A shift as the team list shows it: `08 h 00 – 16 h 30`, `8:00 AM – 4:30 PM`.
pub fn show_shift(lang: Lang, start: i32, end: i32) -> String {
    format!("{} – {}", show_time(lang, start), show_time(lang, end))
}

/// What is wrong with each side of a typed shift: catalogue keys.
pub type ShiftErrors = (Option<&'static str>, Option<&'static str>);

/// Checks a typed shift; each side's problem separately, then their order.
pub fn check_shift(start: &str, end: &str) -> Result<(i32, i32), ShiftErrors> {
    match (parse_time(start), parse_time(end)) {
        (Some(start), Some(end)) if end > start => Ok((start, end)),
        (Some(_), Some(_)) => Err((None, Some(END_BEFORE_START))),
        (start, end) => Err((start.is_none().then_some(INVALID_TIME), end.is_none().then_some(INVALID_TIME))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ways_people_type_a_time() {
        assert_eq!(parse_time("08:00"), Some(480));
        assert_eq!(parse_time("8:30"), Some(510));
        assert_eq!(parse_time("16 h 30"), Some(990));
        assert_eq!(parse_time("7h"), Some(420));
        assert_eq!(parse_time(" 23:59 "), Some(1439));
        for bad in ["", "24:00", "8:60", "8", "huit", "8:5", "-1:00", "8:000", "12:3a"] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn shows_a_shift_the_way_each_language_writes_it() {
        assert_eq!(show_shift(Lang::Fr, 480, 990), "08\u{a0}h\u{a0}00 – 16\u{a0}h\u{a0}30");
        assert_eq!(show_shift(Lang::En, 480, 990), "8:00\u{a0}AM – 4:30\u{a0}PM");
        assert_eq!(show_time(Lang::En, 0), "12:00\u{a0}AM");
        assert_eq!(show_time(Lang::En, 12 * 60 + 5), "12:05\u{a0}PM");
        assert_eq!(to_input(7 * 60 + 5), "07:05");
    }

    #[test]
    fn a_shift_ends_after_it_starts() {
        assert_eq!(check_shift("08:00", "16:30"), Ok((480, 990)));
        assert_eq!(check_shift("16:30", "08:00"), Err((None, Some(END_BEFORE_START))));
        assert_eq!(check_shift("08:00", "08:00"), Err((None, Some(END_BEFORE_START))));
        assert_eq!(check_shift("25:00", "nope"), Err((Some(INVALID_TIME), Some(INVALID_TIME))));
        assert_eq!(check_shift("08:00", "nope"), Err((None, Some(INVALID_TIME))));
    }
}
