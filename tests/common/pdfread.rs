//! Reading a PDF back for the geometry tests: the words of each page with their boxes
//! (`pdftotext -bbox`), and a page rendered to pixels (`pdftoppm`, read as PGM or PPM).

use std::path::Path;

use super::tool;

/// A box in points from the page's top-left corner.
#[derive(Debug, Clone, Copy)]
pub struct Bbox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bbox {
    pub fn overlaps(&self, o: &Bbox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// The middle half of a word's box, top to bottom, a little narrower: pdftotext's boxes
    /// run from the font's ascender to its descender, so lines set closer than that (a name
    /// in two lines) have touching boxes although their letters are apart.
    pub fn core(&self) -> Bbox {
        let h = self.y1 - self.y0;
        Bbox {
            x0: self.x0 + 0.5,
            y0: self.y0 + h * 0.25,
            x1: self.x1 - 0.5,
            y1: self.y1 - h * 0.25,
        }
    }
}

/// A page's size and its words with their boxes.
pub struct WordPage {
    pub width: f64,
    pub height: f64,
    pub words: Vec<(String, Bbox)>,
}

/// The value of attribute `name` in a line of pdftotext's or mutool's XML.
pub fn attr(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(line[start..].split('"').next()?.to_string())
}

fn number(line: &str, name: &str) -> f64 {
    attr(line, name).unwrap().parse().unwrap()
}

/// Every page of a PDF with its words (`pdftotext -bbox`; `first_only` reads page one).
pub fn word_pages(pdf: &Path, first_only: bool) -> Vec<WordPage> {
    let path = pdf.to_str().unwrap();
    let args: &[&str] = if first_only {
        &["-bbox", "-f", "1", "-l", "1", path, "-"]
    } else {
        &["-bbox", path, "-"]
    };
    let html = tool("pdftotext", args);
    let mut pages: Vec<WordPage> = Vec::new();
    for line in html.lines() {
        if line.contains("<page ") {
            pages.push(WordPage {
                width: number(line, "width"),
                height: number(line, "height"),
                words: Vec::new(),
            });
        } else if line.contains("<word ") {
            let text = line.split('>').nth(1).unwrap().split('<').next().unwrap();
            let b = Bbox {
                x0: number(line, "xMin"),
                y0: number(line, "yMin"),
                x1: number(line, "xMax"),
                y1: number(line, "yMax"),
            };
            pages.last_mut().unwrap().words.push((text.to_string(), b));
        }
    }
    pages
}

/// A rendered page: `channels` samples a pixel (1 gray, 3 RGB), row by row.
pub struct Raster {
    pub width: usize,
    pub height: usize,
    pub channels: usize,
    pub pixels: Vec<u8>,
}

impl Raster {
    /// The samples of the pixel at (x, y).
    pub fn at(&self, x: usize, y: usize) -> &[u8] {
        let i = (y * self.width + x) * self.channels;
        &self.pixels[i..i + self.channels]
    }
}

/// Page `page` (from 1) rendered at `dpi`, in gray or in colour, by `pdftoppm`.
pub fn render_page(pdf: &Path, page: usize, dpi: u32, gray: bool) -> Raster {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    let (page, dpi) = (page.to_string(), dpi.to_string());
    let mut args = vec!["-r", &dpi, "-f", &page, "-l", &page, "-singlefile"];
    if gray {
        args.insert(0, "-gray");
    }
    args.extend([pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    tool("pdftoppm", &args);
    let file = prefix.with_extension(if gray { "pgm" } else { "ppm" });
    let data = std::fs::read(file).unwrap();
    // Netpbm header: magic, width, height, maxval, each followed by whitespace.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
    }
    Raster {
        width: fields[1].parse().unwrap(),
        height: fields[2].parse().unwrap(),
        channels: if gray { 1 } else { 3 },
        pixels: data[at + 1..].to_vec(),
    }
}
