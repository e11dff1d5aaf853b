// The text of a PDF as Firefox's viewer finds and copies it: pdf.js's text items in order,
// a line break where pdf.js ends a line, a form feed after each page. Used by readback.py:
//   node readback.mjs FILE.pdf
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const data = new Uint8Array(readFileSync(process.argv[2]));
const document = await getDocument({ data, disableFontFace: true, useSystemFonts: false,
                                     verbosity: 0 }).promise;
let text = "";
for (let number = 1; number <= document.numPages; number++) {
  const page = await document.getPage(number);
  for (const item of (await page.getTextContent()).items) {
    text += item.str + (item.hasEOL ? "\n" : "");
  }
  text += "\n\f";
}
process.stdout.write(text);
