// node --import tsx bench/heap-summary.ts <file.heapsnapshot> [top]: self size by object type and
// constructor, the largest first, to tell what a heap snapshot of bench:sync (--heap-snapshot) holds.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const [file, topText = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/heap-summary.ts <file.heapsnapshot> [top]');
  process.exit(2);
}
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
  number,
  number,
  number,
];
const byKey = new Map<string, { count: number; bytes: number }>();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + iType]!]!;
  const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + iName]!]! : '';
  const key = name ? `${type} ${name}` : type;
  const size = snap.nodes[i + iSize]!;
  total += size;
  const entry = byKey.get(key) ?? { count: 0, bytes: 0 };
  entry.count++;
  entry.bytes += size;
  byKey.set(key, entry);
}
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
console.log(`total self size ${mib(total)} MiB in ${snap.nodes.length / width} objects`);
for (const [key, e] of [...byKey].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(topText)))
  console.log(`${mib(e.bytes).padStart(7)} MiB  ${String(e.count).padStart(9)}  ${key}`);
