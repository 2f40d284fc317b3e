import sharp from 'sharp';
sharp.concurrency(1);
sharp.cache(false);
const variants = {
  current: (f) => sharp(f, { animated: false }).rotate().resize(1280, 1280, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#000000' }).jpeg({ quality: 88 }).toBuffer(),
  noFlatten: (f) => sharp(f, { animated: false }).rotate().resize(1280, 1280, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 88 }).toBuffer(),
  to1200: (f) => sharp(f, { animated: false }).rotate().resize(1200, 1200, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 88 }).toBuffer(),
  decodeOnly: (f) => sharp(f).raw().toBuffer(),
};
for (const file of ['/tmp/kp/photo.jpg', '/tmp/kp/flat.jpg']) {
  for (const [name, fn] of Object.entries(variants)) {
    await fn(file);
    const runs = 4; const c0 = process.cpuUsage(); const t0 = performance.now();
    for (let i = 0; i < runs; i++) await fn(file);
    const c = process.cpuUsage(c0); const t = performance.now() - t0;
    console.log(file.split('/').pop(), name.padEnd(12), 'wall', (t/runs).toFixed(0), 'ms  cpu', ((c.user+c.system)/1000/runs).toFixed(0), 'ms');
  }
}
