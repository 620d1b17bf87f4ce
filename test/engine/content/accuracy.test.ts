import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureAccuracy } from '../../../scripts/secrets/accuracy';

const rate = (t: { hit: number; total: number }): number => t.hit / t.total;

// The figures of `npm run secrets:accuracy`, held above a floor so that a detector change that loses keys fails here.
test("recall on gitleaks' own rule test vectors stays high, false positives low", (t) => {
  const r = measureAccuracy();
  t.diagnostic(
    `redaction ${r.redaction.hit}/${r.redaction.total}, detection ${r.detection.hit}/${r.detection.total}, literal ${r.literalDetection.hit}/${r.literalDetection.total}, false positives ${r.falsePositives.hit}/${r.falsePositives.total}`,
  );
  assert.ok(r.redaction.total > 1000 && r.falsePositives.total > 50, 'the vectors are all there');
  assert.ok(rate(r.redaction) >= 0.99, `redaction recall ${rate(r.redaction)}:\n${r.redaction.misses.slice(0, 10).join('\n')}`);
  assert.ok(rate(r.detection) >= 0.97, `detection recall ${rate(r.detection)}:\n${r.detection.misses.slice(0, 10).join('\n')}`);
  assert.ok(rate(r.literalDetection) >= 0.9, `literal recall ${rate(r.literalDetection)}:\n${r.literalDetection.misses.join('\n')}`);
  assert.ok(rate(r.falsePositives) <= 0.05, `false positives:\n${r.falsePositives.misses.join('\n')}`);
});
