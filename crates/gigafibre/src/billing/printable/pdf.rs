//! The invoice as a PDF: the same document as the print view, laid out on
//! A4 pages with the standard PDF fonts (Helvetica for words, Courier for
//! amounts so that they line up on the right), nothing embedded. Text is
//! written in WinAnsi, which holds every French letter.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::document::Document;
use crate::i18n::Lang;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const RIGHT: f32 = WIDTH - MARGIN;
/// Below this a new page starts.
const BOTTOM: f32 = 90.0;
/// Courier's every glyph is 0.6 em wide: a right edge is exact.
const COURIER_EM: f32 = 0.6;
/// Characters of a description per line at 10 pt (Helvetica is about half an em).
const WRAP: usize = 72;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const MONO: Name<'static> = Name(b"F3");

/// Pages being written, with the pen's height on the last one.
struct Sheets {
    pages: Vec<Content>,
    y: f32,
}

impl Sheets {
    fn new() -> Sheets {
        Sheets { pages: vec![Content::new()], y: HEIGHT - MARGIN }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Moves the pen down `by`, starting a page when this one is full.
    fn down(&mut self, by: f32) {
        self.y -= by;
        if self.y < BOTTOM {
            self.pages.push(Content::new());
            self.y = HEIGHT - MARGIN - by;
        }
    }

    fn text(&mut self, font: Name<'static>, size: f32, x: f32, words: &str) {
        let y = self.y;
        let bytes = win_ansi(words);
        let page = self.page();
        page.begin_text();
        page.set_font(font, size);
        page.next_line(x, y);
        page.show(Str(&bytes));
        page.end_text();
    }

    /// An amount ending at the right margin.
    fn amount(&mut self, size: f32, words: &str) {
        let width = COURIER_EM * size * words.chars().count() as f32;
        self.text(MONO, size, RIGHT - width, words);
    }

    fn rule(&mut self) {
        let y = self.y;
        let page = self.page();
        page.set_line_width(0.5);
        page.move_to(MARGIN, y);
        page.line_to(RIGHT, y);
        page.stroke();
    }
}

/// The PDF of `doc`.
pub fn render(doc: &Document) -> Vec<u8> {
    let m = &doc.m;
    let mut sheets = Sheets::new();
    sheets.text(BOLD, 16.0, MARGIN, &doc.company_name);
    sheets.text(BOLD, 16.0, 330.0, &format!("{} {}", m.t("invoice.print.title"), doc.number));
    let mut sender: Vec<String> = doc.company_address.clone();
    sender.extend(doc.gst_number.iter().map(|n| format!("{} {n}", m.t("invoice.print.gst_number"))));
    sender.extend(doc.qst_number.iter().map(|n| format!("{} {n}", m.t("invoice.print.qst_number"))));
    // French typography puts a space before a colon; English does not.
    let colon = match m.lang {
        Lang::Fr => " : ",
        Lang::En => ": ",
    };
    let mut facts = vec![
        format!("{}{colon}{}", m.t("invoice.print.issued"), doc.issued),
        format!("{}{colon}{}", m.t("invoice.print.due"), doc.due),
    ];
    facts.extend(doc.period.iter().map(|p| format!("{}{colon}{p}", m.t("invoice.print.period"))));
    if doc.void {
        facts.push(m.t("invoice.print.void").to_uppercase());
    }
    for row in 0..sender.len().max(facts.len()) {
        sheets.down(14.0);
        if let Some(line) = sender.get(row) {
            sheets.text(REGULAR, 10.0, MARGIN, line);
        }
        if let Some(line) = facts.get(row) {
            sheets.text(REGULAR, 10.0, 330.0, line);
        }
    }
    sheets.down(30.0);
    sheets.text(BOLD, 11.0, MARGIN, m.t("invoice.print.bill_to"));
    sheets.down(14.0);
    sheets.text(REGULAR, 10.0, MARGIN, &doc.customer_name);
    sheets.down(13.0);
    sheets.text(REGULAR, 10.0, MARGIN, &format!("{} {}", m.t("invoice.print.account"), doc.account));
    if let Some(address) = &doc.address {
        sheets.down(13.0);
        sheets.text(REGULAR, 10.0, MARGIN, address);
    }
    sheets.down(30.0);
    sheets.text(BOLD, 10.0, MARGIN, m.t("invoice.print.description"));
    let heading = m.t("invoice.print.amount");
    sheets.text(BOLD, 10.0, RIGHT - 5.6 * heading.chars().count() as f32, heading);
    sheets.down(6.0);
    sheets.rule();
    for line in &doc.lines {
        sheets.down(15.0);
        for (index, part) in wrapped(&line.description, WRAP).iter().enumerate() {
            if index > 0 {
                sheets.down(12.0);
            }
            sheets.text(REGULAR, 10.0, MARGIN, part);
            if index == 0 {
                sheets.amount(10.0, &line.amount);
            }
        }
        if let Some(period) = &line.period {
            sheets.down(12.0);
            sheets.text(REGULAR, 8.5, MARGIN + 8.0, period);
        }
    }
    sheets.down(8.0);
    sheets.rule();
    let mut totals = vec![
        (REGULAR, m.t("invoice.print.subtotal"), doc.subtotal.as_str()),
        (REGULAR, m.t("invoice.print.gst"), doc.gst.as_str()),
        (REGULAR, m.t("invoice.print.qst"), doc.qst.as_str()),
        (BOLD, m.t("invoice.print.total"), doc.total.as_str()),
    ];
    if let Some(received) = &doc.received {
        totals.push((REGULAR, m.t("invoice.print.received"), received.as_str()));
    }
    totals.push((BOLD, m.t("invoice.print.balance"), doc.balance.as_str()));
    for (font, label, amount) in totals {
        sheets.down(15.0);
        sheets.text(font, 10.0, 300.0, label);
        sheets.amount(10.0, amount);
    }
    sheets.down(36.0);
    sheets.text(REGULAR, 10.0, MARGIN, &format!("{} {}", m.t("invoice.print.pay_online"), doc.pay_url));
    assemble(sheets.pages)
}

/// The document around the pages: catalog, page tree, the three fonts.
fn assemble(pages: Vec<Content>) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let fonts =
        [(REGULAR, Ref::new(3), "Helvetica"), (BOLD, Ref::new(4), "Helvetica-Bold"), (MONO, Ref::new(5), "Courier")];
    let first_page = 6;
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(first_page + 2 * i as i32)).collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(page_ids.len() as i32);
    for (_, id, base) in fonts {
        pdf.type1_font(id).base_font(Name(base.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (content, page_id) in pages.into_iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.parent(tree).media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT)).contents(content_id);
        let mut resources = page.resources();
        let mut font_dict = resources.fonts();
        for (font_name, id, _) in fonts {
            font_dict.pair(font_name, id);
        }
        font_dict.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

/// `text` in WinAnsi (Windows-1252): Latin-1 as is, the typographic marks
/// it has at their places, anything else a question mark.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{202f}' => 0xa0,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'Œ' => 0x8c,
            'œ' => 0x9c,
            c if (c as u32) < 0x80 || (0xa0..=0xff).contains(&(c as u32)) => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

/// `text` cut into lines of at most `width` characters, at spaces.
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let current = lines.last_mut().map_or(0, |l| l.chars().count());
        if current > 0 && current + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_letters_and_typographic_marks_keep_their_windows_1252_bytes() {
        assert_eq!(win_ansi("Été à Québec – 86,23\u{a0}$"), b"\xc9t\xe9 \xe0 Qu\xe9bec \x96 86,23\xa0$".to_vec());
        assert_eq!(win_ansi("œ€\u{202f}✓"), vec![0x9c, 0x80, 0xa0, b'?']);
    }

    #[test]
    fn long_descriptions_wrap_at_spaces() {
        assert_eq!(wrapped("Internet 500 Mbit/s illimité", 12), vec!["Internet 500", "Mbit/s", "illimité"]);
        assert_eq!(wrapped("court", 72), vec!["court"]);
    }
}
