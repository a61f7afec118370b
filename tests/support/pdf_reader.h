#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rollcall::tests::support {

// PDFs read back as a person or a scanner would, with poppler-utils and zbar-tools (Debian):
// pdfinfo, pdftotext, pdftoppm, zbarimg. Each call works in its own temporary directory.

// The number of pages (pdfinfo); throws std::runtime_error for a file poppler cannot open.
int pdf_pages(const std::string& pdf);

// The text of one page (1-based; 0: all pages) in reading order, as pdftotext extracts it.
std::string pdf_text(const std::string& pdf, int page = 0);

// A page rendered in 8-bit grey (pdftoppm -gray) at `dpi`.
struct GreyImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row by row, 0 black, 255 white

  std::uint8_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};
GreyImage pdf_page_image(const std::string& pdf, int page, int dpi);

// Every barcode zbarimg finds on the page rendered at `dpi`, as their raw texts.
std::vector<std::string> pdf_barcodes(const std::string& pdf, int page, int dpi = 300);

// Renders the page as a PNG file at `path` (for documentation).
void pdf_page_png(const std::string& pdf, int page, int dpi, const std::string& path);

// Text with every white space and bidirectional control character removed: pdftotext breaks
// wrapped lines where the layout did, and marks each run of the other direction.
std::string without_spaces(const std::string& text);

// Every /ActualText the PDF's page content carries (decompressed with Python's zlib), in
// content order: the letters a ligature stands for (cairo writes them in logical order).
std::vector<std::string> pdf_actual_texts(const std::string& pdf);

// `text` as pdftotext (poppler 22.12) gives it back: poppler reverses a right-to-left word's
// characters and, with them, the letters of each multi-letter /ActualText (an Arabic ligature:
// lam-alef, lam-alef maksura...), so "صلاح" comes back "صالح". Each of `actual_texts` of two or
// more characters that contains a right-to-left letter is reversed in `text` the same way.
std::string as_pdftotext_reads(const std::string& text,
                               const std::vector<std::string>& actual_texts);

// Whether pdftotext finds `wanted` (spaces and bidi marks aside, ligatures as above) on the
// page (0: anywhere); *read gets what it read, for messages.
bool pdf_text_has(const std::string& pdf, int page, const std::string& wanted,
                  std::string* read = nullptr);

}  // namespace rollcall::tests::support
