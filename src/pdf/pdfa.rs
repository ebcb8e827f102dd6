//! The XMP metadata packet every letter carries (the document information again, plus the
//! PDF/UA-1 identification), and PDF/A-2b for archiving: the PDF/A identification in that packet
//! (with the extension schema PDF/A asks for the PDF/UA one) and the sRGB output intent with its
//! ICC profile. The rest of PDF/A is
//! what every letter already is: fonts embedded, no encryption, no JavaScript, a document ID,
//! links printed (`/F 4`), all colour in sRGB.
//!
//! Written by hand because the XMP packet is a fixed template with a few escaped values, and no
//! crate in printpdf's stack writes one.

use lopdf::{Dictionary, Object, Stream};

use super::strings::{creator, producer};
use crate::frame::{Document, Item};

/// The sRGB IEC 61966-2.1 profile (ICC v2, from Debian's `icc-profiles-free`; see
/// `assets/sRGB.icc.txt`).
const SRGB_ICC: &[u8] = include_bytes!("../../assets/sRGB.icc");

/// The output condition the profile describes.
const SRGB_NAME: &str = "sRGB IEC61966-2.1";

/// Adds the XMP metadata stream to the catalog, with the PDF/A and PDF/UA identifications the
/// file may claim.
pub(super) fn metadata(lo: &mut lopdf::Document, doc: &Document, pdfa: bool, pdfua: bool) {
    let Ok(Object::Reference(root)) = lo.trailer.get(b"Root").cloned() else {
        return;
    };
    let mut xmp = Stream::new(
        Dictionary::from_iter([
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp_claiming(doc, pdfa, pdfua).into_bytes(),
    );
    // Kept readable in PDF/A: tools that look for the PDF/A identification read it
    // unfiltered. Else compressed: it is a tenth of a short letter's size.
    xmp.allows_compression = !pdfa;
    let xmp = lo.add_object(xmp);
    if let Some(Object::Dictionary(catalog)) = lo.objects.get_mut(&root) {
        catalog.set("Metadata", Object::Reference(xmp));
    }
}

/// Makes `lo` PDF/A-2b: adds the output intent to the catalog (the metadata says the rest).
pub(super) fn archival(lo: &mut lopdf::Document) {
    let Ok(Object::Reference(root)) = lo.trailer.get(b"Root").cloned() else {
        return;
    };
    let mut profile = Stream::new(
        Dictionary::from_iter([("N", Object::Integer(3))]),
        SRGB_ICC.to_vec(),
    );
    profile.allows_compression = true;
    let profile = lo.add_object(profile);
    let text = |s: &str| Object::String(s.as_bytes().to_vec(), lopdf::StringFormat::Literal);
    let intent = Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", text(SRGB_NAME)),
        ("Info", text(SRGB_NAME)),
        ("DestOutputProfile", Object::Reference(profile)),
    ]);
    if let Some(Object::Dictionary(catalog)) = lo.objects.get_mut(&root) {
        catalog.set(
            "OutputIntents",
            Object::Array(vec![Object::Dictionary(intent)]),
        );
    }
}

/// Text that PDF/A cannot take: characters set as `.notdef` (glyph 0), which no font shows.
pub(super) fn notdef(doc: &Document) -> Option<String> {
    let mut missing = String::new();
    for page in &doc.pages {
        for item in &page.items {
            let Item::Text(run) = item else { continue };
            for (g, text) in run.glyphs.with_text() {
                if g.id == 0 && !missing.contains(text) && missing.chars().count() < 40 {
                    missing.push_str(text);
                }
            }
        }
    }
    (!missing.is_empty()).then_some(missing)
}

/// The XMP packet: title, author, subject, dates, tools, and the PDF/UA identification when
/// `pdfua`, the PDF/A one when `pdfa`; the same values as the document information dictionary.
pub(super) fn xmp_claiming(doc: &Document, pdfa: bool, pdfua: bool) -> String {
    let date = iso_date(doc.meta.created);
    let mut out = String::new();
    out.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    out.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    out.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    if pdfa && pdfua {
        // PDF/A allows only the schemas it predefines, or those an extension schema declares,
        // in a description of its own before they are used (as validators read it).
        out.push_str(PDFUA_EXTENSION);
    }
    out.push_str("<rdf:Description rdf:about=\"\"\n");
    out.push_str("  xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    out.push_str("  xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n");
    out.push_str("  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n");
    if pdfa {
        out.push_str("  xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n");
    }
    if pdfua {
        out.push_str("  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"");
    }
    out.push_str(">\n");
    out.push_str("<dc:format>application/pdf</dc:format>\n");
    let alt = |name: &str, value: &str| {
        format!(
            "<dc:{name}><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:{name}>\n",
            escape(value)
        )
    };
    out.push_str(&alt("title", &doc.meta.title));
    if !doc.meta.author.is_empty() {
        out.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            escape(&doc.meta.author)
        ));
    }
    if !doc.meta.subject.is_empty() {
        out.push_str(&alt("description", &doc.meta.subject));
    }
    out.push_str(&format!("<xmp:CreateDate>{date}</xmp:CreateDate>\n"));
    out.push_str(&format!("<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"));
    out.push_str(&format!("<xmp:MetadataDate>{date}</xmp:MetadataDate>\n"));
    out.push_str(&format!(
        "<xmp:CreatorTool>{}</xmp:CreatorTool>\n",
        escape(&creator())
    ));
    out.push_str(&format!(
        "<pdf:Producer>{}</pdf:Producer>\n",
        escape(&producer())
    ));
    if pdfua {
        out.push_str("<pdfuaid:part>1</pdfuaid:part>\n");
    }
    if pdfa {
        out.push_str("<pdfaid:part>2</pdfaid:part>\n");
        out.push_str("<pdfaid:conformance>B</pdfaid:conformance>\n");
    }
    out.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n");
    out.push_str("<?xpacket end=\"w\"?>");
    out
}

/// The PDF/A extension schema that declares `pdfuaid:part` (ISO 14289-1, Annex A).
const PDFUA_EXTENSION: &str = "<rdf:Description rdf:about=\"\"\n\
  xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n\
  xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n\
  xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n\
<pdfaProperty:name>part</pdfaProperty:name>\n\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n\
<pdfaProperty:category>internal</pdfaProperty:category>\n\
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n\
</rdf:li></rdf:Seq></pdfaSchema:property>\n\
</rdf:li></rdf:Bag></pdfaExtension:schemas>\n\
</rdf:Description>\n";

/// `seconds` since the epoch as an XMP date (UTC), the same instant as the `D:…Z` of the
/// document information.
fn iso_date(seconds: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Escapes text for XML character data.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_dates_match_the_info_dates() {
        assert_eq!(iso_date(1_438_732_800), "2015-08-05T00:00:00Z");
    }

    #[test]
    fn xmp_values_are_escaped() {
        assert_eq!(
            escape("Smith & Jones <Ltd> \"A\"\u{7}"),
            "Smith &amp; Jones &lt;Ltd&gt; &quot;A&quot;"
        );
    }

    #[test]
    fn the_profile_is_an_rgb_display_profile() {
        // ICC header: device class at 12, colour space at 16.
        assert_eq!(&SRGB_ICC[12..16], b"mntr");
        assert_eq!(&SRGB_ICC[16..20], b"RGB ");
    }
}
