// The text of PDFs as Firefox's viewer finds and copies it: pdf.js's text items in order,
// a line break where pdf.js ends a line, a form feed after each page. Used by readback.py,
// which reads many documents in one run (Node and pdf.js start once):
//   node readback.mjs FILE.pdf...   -> a JSON array of the files' texts, in their order
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

async function textOf(file) {
  const data = new Uint8Array(readFileSync(file));
  const document = await getDocument({ data, disableFontFace: true, useSystemFonts: false,
                                       verbosity: 0 }).promise;
  let text = "";
  try {
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      for (const item of (await page.getTextContent()).items) {
        text += item.str + (item.hasEOL ? "\n" : "");
      }
      text += "\n\f";
    }
  } finally {
    await document.destroy();
  }
  return text;
}

const texts = [];
for (const file of process.argv.slice(2)) {
  texts.push(await textOf(file));
}
process.stdout.write(JSON.stringify(texts));
