// Drive headless Chromium through JupyterLab: run every cell of one notebook, then move the
// first slider of each seqlib explorer with the keyboard and check that its picture changed.
// Usage: node explorers.mjs <playwright-core dir> <chromium> <notebook URL> <artifacts dir> <n>
// Prints one JSON line: {"explorers": n, "changed": [true, ...], "errors": [...]}.
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const [pwDir, chromium, url, outDir, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const { chromium: browserType } = createRequire(path.join(pwDir, "x.js"))("playwright-core");
const userDataDir = mkdtempSync(path.join(tmpdir(), "seqlib-chromium-"));
const context = await browserType.launchPersistentContext(userDataDir, {
  executablePath: chromium,
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = { explorers: 0, changed: [], errors: [] };
try {
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(60000);
  await page.goto(url);
  await page.waitForSelector(".jp-NotebookPanel .jp-Cell", { timeout: 90000 });
  // "Run All Cells" sent before the kernel's session is connected is dropped: wait for the
  // kernel to say Idle, then run all and retry until the first cell has a prompt number.
  await page.waitForSelector(".jp-StatusBar-TextItem:has-text('Idle')", { timeout: 90000 })
    .catch(() => {});
  let started = false;
  for (let attempt = 0; attempt < 4 && !started; attempt++) {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    started = await page.waitForFunction(
      () => [...document.querySelectorAll(".jp-InputPrompt")]
        .some((p) => /\[(\*|\d+)\]/.test(p.textContent)),
      null, { timeout: 20000 }).then(() => true, () => false);
  }
  if (!started) throw new Error("Run All Cells did not start the kernel");
  await page.waitForFunction(
    (n) => document.querySelectorAll(".seqlib-explorer img.seqlib-explorer-figure").length >= n
      && [...document.querySelectorAll("img.seqlib-explorer-figure")]
        .every((img) => img.complete && img.naturalWidth > 0),
    expected, { timeout: 100000 });
  const explorers = page.locator(".seqlib-explorer");
  result.explorers = await explorers.count();
  for (let i = 0; i < result.explorers; i++) {
    const box = explorers.nth(i);
    const img = box.locator("img.seqlib-explorer-figure");
    await box.scrollIntoViewIfNeeded();
    await box.screenshot({ path: path.join(outDir, `explorer-${i + 1}-before.png`) });
    const before = await img.getAttribute("src");
    const handle = box.locator(".noUi-handle").first();
    await handle.focus();
    for (let k = 0; k < 3; k++) await page.keyboard.press("ArrowRight");
    let changed = true;
    try {
      await page.waitForFunction(([el, old]) => el.getAttribute("src") !== old,
                                 [await img.elementHandle(), before], { timeout: 30000 });
    } catch (error) {
      changed = false;
      result.errors.push(`explorer ${i + 1}: the picture did not change: ${error.message}`);
    }
    // three key presses may redraw three times: wait until the picture stops changing
    let last = await img.getAttribute("src");
    for (let k = 0; k < 20; k++) {
      await page.waitForTimeout(250);
      const now = await img.getAttribute("src");
      if (now === last) break;
      last = now;
    }
    await box.screenshot({ path: path.join(outDir, `explorer-${i + 1}-after.png`) });
    result.changed.push(changed);
  }
  await page.screenshot({ path: path.join(outDir, "notebook.png") });
} catch (error) {
  result.errors.push(String(error && error.stack || error));
  const page = context.pages()[0];
  if (page) await page.screenshot({ path: path.join(outDir, "failure.png"), fullPage: false })
    .catch(() => {});
} finally {
  await context.close();
}
console.log(JSON.stringify(result));
