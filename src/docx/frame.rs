//! Everything around the body, built with docx-rs: styles, numbering
//! definitions and list instances, page setup, header and footer, settings,
//! and the package's content types and relationships.

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, Header, InstrNUMPAGES, InstrPAGE, InstrText, PageMargin, Paragraph, Run,
};

use super::styles::{self, BULLET_NUM};
use super::writer::ListInstance;
use super::{DocxOptions, PageSize};
use crate::model::Locale;

/// The document without its body; `lists` are the list instances the body
/// uses, beyond the fixed ones.
pub fn frame(opts: &DocxOptions, lists: &[ListInstance]) -> Docx {
    let mut docx = Docx::new()
        .default_fonts(styles::default_fonts(opts.locale))
        .default_size(styles::BODY_SIZE)
        .add_abstract_numbering(styles::bullet_numbering())
        .add_numbering(docx_rs::Numbering::new(BULLET_NUM, BULLET_NUM))
        .add_abstract_numbering(styles::ordered_numbering());
    for style in styles::styles(opts.locale, opts.numbering) {
        docx = docx.add_style(style);
    }
    if let Some(scheme) = opts.numbering {
        for abs in styles::heading_numbering(scheme) {
            let id = abs.id;
            docx = docx.add_abstract_numbering(abs).add_numbering(docx_rs::Numbering::new(id, id));
        }
    }
    for list in lists {
        docx = docx.add_numbering(styles::list_instance(list.id, list.abstract_id, list.level, list.start));
    }
    // numbering.xml always holds our list definitions, so it is always related.
    docx.document_rels.has_numberings = true;
    let (w, h) = match opts.page {
        PageSize::A4 => (11906, 16838),
        PageSize::Letter => (12240, 15840),
    };
    let side = match opts.page {
        PageSize::A4 => 1588,
        PageSize::Letter => 1440,
    };
    docx = docx
        .page_size(w, h)
        .page_margin(PageMargin::new().top(1440).bottom(1440).left(side).right(side).header(720).footer(720));
    let header_text = opts.header_text.trim();
    if !header_text.is_empty() {
        let header = Header::new().add_paragraph(
            Paragraph::new().style("Header").align(AlignmentType::Right).add_run(Run::new().add_text(header_text)),
        );
        docx = docx.header(header);
    }
    docx.footer(Footer::new().add_paragraph(footer(opts)))
        // Only so that docx-rs declares the part; the package step writes it.
        .custom_property("Generator", "Policywright")
}

/// `v1.2 · page X of Y`, with PAGE and NUMPAGES fields.
fn footer(opts: &DocxOptions) -> Paragraph {
    let field = |instr: InstrText, placeholder: &str| {
        Run::new()
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(instr)
            .add_field_char(FieldCharType::Separate, false)
            .add_text(placeholder)
            .add_field_char(FieldCharType::End, false)
    };
    let (before, middle, after) = match opts.locale {
        Locale::ZhCn => ("第 ", " 页 / 共 ", " 页"),
        Locale::En => ("page ", " of ", ""),
    };
    let mut p = Paragraph::new().style("Footer");
    if !opts.version.is_empty() {
        p = p.add_run(Run::new().add_text(format!("v{} · ", opts.version)));
    }
    p = p
        .add_run(Run::new().add_text(before))
        .add_run(field(InstrText::PAGE(InstrPAGE::new()), "1"))
        .add_run(Run::new().add_text(middle))
        .add_run(field(InstrText::NUMPAGES(InstrNUMPAGES::new()), "1"));
    if !after.is_empty() {
        p = p.add_run(Run::new().add_text(after));
    }
    p
}
