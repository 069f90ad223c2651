import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PDFParse } from 'pdf-parse';
import { dpoReview } from '../../src/incidents/documents/dpo-review.js';
import {
  buildIncidentDocument,
  renderDocument,
} from '../../src/incidents/documents/render-incident-document.js';
import { renderPdf, winAnsi } from '../../src/register/render-pdf.js';
import { context, fullIncident, NOTICE_AT, sparseIncident } from './fixtures/incident-factory.js';

/** The text a PDF reader gets out of the file, with runs of white space made one space. */
async function pdfText(pdf: Buffer): Promise<string> {
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF file');
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

describe('incident documents as PDF', () => {
  it('a customer notice in Dutch opens and holds its elements, Dutch letters included', async () => {
    const doc = buildIncidentDocument('customer-notice', fullIncident(), context({ lang: 'nl' }));
    const pdf = await renderDocument(doc, 'pdf', NOTICE_AT);
    assert.ok(Buffer.isBuffer(pdf));
    const text = await pdfText(pdf);
    for (const element of [
      'Melding van een inbreuk in verband met persoonsgegevens (datalek)',
      'Aan: Testklant Eén B.V.',
      '1. Wat er is gebeurd',
      'API-sleutel van de Mail+-koppeling uitgelekt',
      'Testklant Eën',
      'Categorieën gegevens',
      'inloggegevens',
      '1.250 personen',
      '5. Waarschijnlijke gevolgen',
      '6. Genomen maatregelen',
      '7. Geplande maatregelen',
      '8. Wat nog onbekend is',
      '10. Uw termijn voor de Autoriteit Persoonsgegevens',
      '31 maart 2026 om 14:15 CEST',
      '11. Ons contactpunt',
      'fg@voorbeeld.example',
    ])
      assert.ok(text.includes(element), `PDF text lacks "${element}"`);
  });

  it('an AP sheet in English with gaps shows its chapters and marks the missing answers', async () => {
    const doc = buildIncidentDocument('ap-sheet', sparseIncident(), context({ lang: 'en', deadlines: [] }));
    const text = await pdfText((await renderDocument(doc, 'pdf', NOTICE_AT)) as Buffer);
    for (const heading of [
      '1. About this notification',
      '3. Timeline',
      '10. International aspects',
      '11. Other',
    ])
      assert.ok(text.includes(heading), heading);
    assert.match(text, /Sector \[!\] fill in your organisation’s sector missing/);
    assert.match(text, /recorded/);
    assert.match(text, /derived/);
  });

  it('a DPO review and a subject notice open too', async () => {
    const review = dpoReview([fullIncident()], {
      period: { from: NOTICE_AT - 86_400_000, to: NOTICE_AT + 86_400_000 },
      now: NOTICE_AT,
      lang: 'nl',
      deadlines: () => [],
    });
    assert.match(await pdfText(await renderPdf([review])), /Open acties/);
    const notice = buildIncidentDocument('subject-notice', fullIncident(), context({ lang: 'nl' }));
    assert.match(await pdfText(await renderPdf([notice])), /Wat u zelf kunt doen/);
  });

  it('gives the same bytes for the same input and moment', async () => {
    const doc = buildIncidentDocument('customer-notice', fullIncident(), context({ lang: 'en' }));
    const a = await renderPdf([doc], { createdAt: NOTICE_AT });
    const b = await renderPdf([doc], { createdAt: NOTICE_AT });
    assert.equal(a.toString('base64').length > 1000, true);
    assert.deepEqual(stripId(a), stripId(b));
  });

  it('writes what the standard fonts lack in their nearest form', () => {
    assert.equal(winAnsi('ë é ï ’ € ⚠ ĳ ő ł →'), 'ë é ï ’ € [!] ij o ? ->');
    assert.equal(winAnsi('x\u0007y'), 'xy');
  });
});

/** pdfkit writes a random file /ID; everything else must be equal. */
function stripId(pdf: Buffer): string {
  return pdf.toString('latin1').replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '');
}
