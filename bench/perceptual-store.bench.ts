/**
 * Would storing perceptual.db's 64×64 grey thumbnails compressed make the cache smaller, and
 * what would it cost? The thumbnails of real photos (../shared/data: hymenoptera, blood cells;
 * `codesOfImage`, as the perceptual pass makes them) are encoded losslessly (zlib deflate from
 * node:zlib, alone or after a PNG-style Paeth prediction), timed per thumbnail (encode: once at
 * scan time; inflate: every time a pair reaches the gradient test), checked to decode to the
 * same bytes (then the duplicate features' results are the same by construction), and written
 * `--rows` times (cycling, each under its own content hash) into the `thumbnail` table of a
 * perceptual.db as the app creates it (WITHOUT ROWID, 4 KB pages), and into the same table with
 * 64 KB pages, to measure the file's bytes per image.
 *
 * Run: `npx tsx bench/perceptual-store.bench.ts [--rows 100000]`. Files under
 * bench/.work/perceptual-store/ (deleted after each size). Prints numbers; asserts nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import pLimit from 'p-limit';
import { codesOfImage } from '../src-main/engine/features/difference-hash';
import { THUMBNAIL_SIDE } from '../src-main/engine/adma/thumbnail-correlation';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const workDir = path.resolve('bench/.work/perceptual-store');
const shared = path.resolve('..', 'shared', 'data');

/** The PNG Paeth predictor of byte `i` of a `side`-wide image: its left, upper or upper-left neighbour in `pixels`. */
function predicted(pixels: Uint8Array, i: number, side: number): number {
  const x = i % side;
  const a = x > 0 ? (pixels[i - 1] as number) : 0;
  const b = i >= side ? (pixels[i - side] as number) : 0;
  const c = x > 0 && i >= side ? (pixels[i - side - 1] as number) : 0;
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Each byte minus its Paeth predictor (mod 256): what deflate is given. */
function paeth(pixels: Uint8Array, side: number): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = ((pixels[i] as number) - predicted(pixels, i, side)) & 255;
  return out;
}

/** The pixels back: each residual plus the predictor of the pixels restored before it. */
function unpaeth(residual: Uint8Array, side: number): Uint8Array {
  const out = new Uint8Array(residual.length);
  for (let i = 0; i < residual.length; i++) out[i] = ((residual[i] as number) + predicted(out, i, side)) & 255;
  return out;
}

interface Encoding {
  name: string;
  encode: (pixels: Uint8Array) => Buffer;
  decode: (stored: Buffer) => Uint8Array;
}

const ENCODINGS: Encoding[] = [
  { name: 'raw (today)', encode: (p) => Buffer.from(p), decode: (s) => new Uint8Array(s) },
  { name: 'deflate', encode: (p) => zlib.deflateRawSync(p), decode: (s) => new Uint8Array(zlib.inflateRawSync(s)) },
  { name: 'Paeth + deflate', encode: (p) => zlib.deflateRawSync(paeth(p, THUMBNAIL_SIDE)), decode: (s) => unpaeth(new Uint8Array(zlib.inflateRawSync(s)), THUMBNAIL_SIDE) },
];

async function thumbnailsOf(dir: string): Promise<Uint8Array[]> {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(jpe?g|png)$/i.test(f));
  const limit = pLimit(2);
  const thumbs = await Promise.all(files.map((f) => limit(async () => (await codesOfImage(path.join(dir, f))).thumbnail)));
  return thumbs;
}

function bytesPerImage(thumbs: Buffer[], pageSize: number): number {
  const file = path.join(workDir, `size-${pageSize}.db`);
  fs.rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE thumbnail (hash TEXT PRIMARY KEY, side INTEGER NOT NULL, pixels BLOB NOT NULL) WITHOUT ROWID');
  const put = db.prepare('INSERT INTO thumbnail (hash, side, pixels) VALUES (?, ?, ?)');
  const save = db.transaction((from: number, to: number) => {
    for (let k = from; k < to; k++) put.run(`${k.toString(16).padStart(16, '0')}${'a'.repeat(48)}`, THUMBNAIL_SIDE, thumbs[k % thumbs.length]);
  });
  for (let k = 0; k < rows; k += 256) save(k, Math.min(rows, k + 256)); // as the pass saves them
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = fs.statSync(file).size;
  fs.rmSync(file, { force: true });
  return size / rows;
}

const perUs = (ms: number, n: number): string => `${((1000 * ms) / n).toFixed(0)} µs`;

async function main(): Promise<void> {
  if (!fs.existsSync(shared)) {
    console.log(`No photos under ${shared}; nothing to measure.`);
    return;
  }
  fs.mkdirSync(workDir, { recursive: true });
  console.log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${rows} rows per file`);
  console.log('| photos | encoding | stored bytes per thumbnail | encode | decode | same bytes back | file, 4 KB pages (today) | file, 64 KB pages |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const set of ['hymenoptera', 'pbc-blood-cells']) {
    const thumbs = await thumbnailsOf(path.join(shared, set));
    for (const encoding of ENCODINGS) {
      let started = performance.now();
      const stored = thumbs.map((t) => encoding.encode(t));
      const encodeMs = performance.now() - started;
      started = performance.now();
      const back = stored.map((s) => encoding.decode(s));
      const decodeMs = performance.now() - started;
      const same = back.every((b, k) => Buffer.from(b).equals(Buffer.from(thumbs[k] as Uint8Array)));
      const mean = stored.reduce((sum, s) => sum + s.length, 0) / stored.length;
      const [small, large] = [bytesPerImage(stored, 4096), bytesPerImage(stored, 65536)];
      console.log(
        `| ${set} (${thumbs.length}) | ${encoding.name} | ${mean.toFixed(0)} B (${((100 * mean) / THUMBNAIL_SIDE ** 2).toFixed(0)}%) | ${perUs(encodeMs, thumbs.length)} | ${perUs(decodeMs, thumbs.length)} | ${same ? 'yes' : '**no**'} | ${small.toFixed(0)} B per image = ${((small * 100000) / 1e6).toFixed(0)} MB per 100,000 | ${large.toFixed(0)} B = ${((large * 100000) / 1e6).toFixed(0)} MB |`,
      );
    }
  }
  console.log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

void main();
