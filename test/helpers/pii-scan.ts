import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every string that would identify a seeded person if it showed up in the clear. */
export function personalDataOf(rows: Array<Record<string, unknown>>): string[] {
  const values = new Set<string>();
  for (const row of rows) {
    for (const column of ['emailaddress1', 'mobilephone', 'telephone1']) {
      if (typeof row[column] === 'string' && (row[column] as string).length >= 6)
        values.add(row[column] as string);
    }
    if (typeof row.firstname === 'string' && typeof row.lastname === 'string')
      values.add(`${row.firstname} ${row.lastname}`);
    if (typeof row.lastname === 'string' && row.lastname.length >= 6) values.add(row.lastname);
  }
  return [...values];
}

/** Every file under `dir` (logs, the database and its WAL, certificates) and the given texts. */
export function findPersonalData(
  dir: string,
  secrets: readonly string[],
  texts: Record<string, string> = {},
): string[] {
  const sources: Array<[string, Buffer]> = Object.entries(texts).map(([name, text]) => [
    name,
    Buffer.from(text),
  ]);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      sources.push([join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name))]);
  }
  // Only the first characters of a hit are reported, so the failure message holds no personal data.
  return sources.flatMap(([name, bytes]) =>
    secrets.filter((s) => bytes.includes(s)).map((s) => `${name}: ${s.slice(0, 3)}…`),
  );
}
