// Drives the VS Code workbench in the browser the way a person does: the command palette, input
// boxes, the Problems panel, editor tabs, the status bar, webviews. Selectors are VS Code's own
// stable class names and ARIA labels; every wait is bounded and says what it waited for.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import type { E2EEnv } from './env';

/** The few DOM calls made inside the page (the root tsconfig has no DOM types). */
type Row = { getAttribute(name: string): string | null; querySelector(selector: string): Row | null };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps dialling Google's hosts, which this offline machine refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with
 * `what` and the last thing seen, so a failure reads as a sentence rather than a stack.
 */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  seen?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      let last = '';
      if (seen) last = await seen().catch((e: unknown) => `(could not read: ${String(e)})`);
      else if (lastError) last = lastError instanceof Error ? lastError.message : JSON.stringify(lastError);
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? `; last seen: ${last}` : ''}`);
    }
    await sleep(250);
  }
}

const squash = (s: string): string =>
  s
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export interface EditorPosition {
  line: number;
  column: number;
}

export interface DiffSides {
  original: string;
  modified: string;
}

export type ThemeKind = 'light' | 'dark';

/** A marker row of the Problems panel, with the file row it sits under. */
export interface Problem {
  file: string;
  /** The file's folder as the Problems panel names it. */
  folder: string;
  label: string;
  text: string;
  row: Locator;
}
/**
 * Palette titles VS Code's own commands had in older versions (1.90), by command id. The palette
 * searches titles, not ids, and only newer workbenches put the id on a row.
 */
const OLDER_TITLES: Record<string, string[]> = {
  'workbench.action.closePanel': ['View: Close Panel'],
};

// Labels as VS Code 1.139 lists them in Preferences: Color Theme.
const THEMES: Record<ThemeKind, string> = { light: 'Light Modern', dark: 'Dark Modern' };

export class Workbench {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly env: E2EEnv,
    readonly consoleErrors: string[],
  ) {}

  /** A fresh Chromium profile on the workspace's URL; resolves once the explorer shows the folder. */
  static async open(env: E2EEnv, expectInExplorer: string): Promise<Workbench> {
    rmSync(env.browserProfile, { recursive: true, force: true });
    mkdirSync(env.browserProfile, { recursive: true });
    const context = await chromium.launchPersistentContext(env.browserProfile, {
      executablePath: env.chromium,
      headless: !env.headed,
      viewport: { width: 1400, height: 900 },
      args: CHROMIUM_ARGS,
    });
    context.setDefaultTimeout(30_000);
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    const wb = new Workbench(context, page, env, consoleErrors);
    await page.goto(
      env.workspaceFile
        ? `${env.url}/?workspace=${encodeURIComponent(env.workspaceFile)}`
        : `${env.url}/?folder=${encodeURIComponent(env.workspace)}`,
    );
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: expectInExplorer }).first().waitFor({ timeout: 90_000 });
    return wb;
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.env.artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Brings keyboard focus back to the workbench (a click in a webview keeps keys inside its iframe). */
  async focusWorkbench(): Promise<void> {
    // The window title is plain text: clicking it moves focus and triggers nothing.
    await this.page
      .locator('.part.titlebar .window-title')
      .first()
      .click({ timeout: 3_000 })
      .catch(() => undefined);
  }

  /**
   * Opens the quick input with F1 and replaces its text: `>title` searches commands, a bare path
   * searches files (Quick Open). If F1 went nowhere (focus in a webview that swallowed it), the
   * window title is clicked to bring focus back to the workbench, and F1 pressed again.
   */
  private async openQuickInput(text: string): Promise<void> {
    await this.closeQuickInput();
    const input = this.quickInput.locator('input.input');
    await this.page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 2_000 });
    } catch {
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
    }
    await input.fill(text);
  }

  /**
   * Opens F1 with `title` in it and waits for the row of command `id`. Right after start-up an
   * extension's commands can be missing from the first palette, so it reopens until listed.
   */
  private async paletteRow(id: string, title: string, timeoutMs: number): Promise<Locator> {
    // Each attempt searches by the next of the titles this command has had.
    const titles = [title, ...(OLDER_TITLES[id] ?? [])];
    let attempt = 0;
    return waitUntil(
      `command ${id} ("${titles.join('" or "')}") in the command palette`,
      timeoutMs,
      async () => {
        const now = titles[attempt++ % titles.length] ?? title;
        const row = this.commandRow(id, now);
        await this.openQuickInput(`>${now}`);
        try {
          await row.waitFor({ timeout: 3_000 });
        } catch {
          return undefined;
        }
        return row;
      },
      async () => JSON.stringify(await this.quickPickLabels()),
    );
  }

  /**
   * The palette row of command `id`. VS Code puts the id on each row's entry (`data-quick-input-id`);
   * VS Code 1.90 does not, and there the row is the one whose accessible label is the command's
   * palette title, after its category ("Problems: ") when it has one and before what follows a
   * comma (a keybinding, "recently used").
   */
  private commandRow(id: string, title: string): Locator {
    const byId = this.page.locator(`.quick-input-list [data-quick-input-id="${id}"]`);
    const q = JSON.stringify;
    const labels = [
      `[aria-label=${q(title)}]`,
      `[aria-label^=${q(`${title}, `)}]`,
      `[aria-label$=${q(`: ${title}`)}]`,
      `[aria-label*=${q(`: ${title}, `)}]`,
    ];
    const byLabel = this.page.locator(`.quick-input-list .monaco-list-row:not(:has([data-quick-input-id])):is(${labels.join(', ')})`);
    return byId.or(byLabel).first();
  }

  /**
   * Command ids F1 lists for `query` (once the list has settled). Where rows carry no ids
   * (VS Code 1.90), a row counts as the command whose palette title in `titles` (id → title) it shows.
   */
  async paletteCommandIds(query: string, titles: ReadonlyMap<string, string> = new Map()): Promise<Set<string>> {
    await this.openQuickInput(`>${query}`);
    await this.quickInput.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 5_000 });
    await sleep(300);
    const byTitle = new Map([...titles].map(([id, title]) => [title, id]));
    const seen = await this.quickInput.locator('.quick-input-list .monaco-list-row').evaluateAll((rows: Row[]) =>
      rows.map((r) => ({
        id: r.querySelector('[data-quick-input-id]')?.getAttribute('data-quick-input-id') ?? null,
        label: r.getAttribute('aria-label') ?? '',
      })),
    );
    const ids = new Set<string>();
    for (const { id, label } of seen) {
      const found = id ?? byTitle.get(label) ?? byTitle.get(label.split(', ')[0] ?? '');
      if (found) ids.add(found);
    }
    await this.closeQuickInput();
    return ids;
  }

  /** Runs a command through F1, picking its row by command id. */
  async runCommand(id: string, title: string, timeoutMs = 60_000): Promise<void> {
    await (await this.paletteRow(id, title, timeoutMs)).click();
  }

  /** Checks that F1 lists the command, without running it. */
  async expectInPalette(id: string, title: string, timeoutMs = 60_000): Promise<void> {
    await this.paletteRow(id, title, timeoutMs);
    await this.closeQuickInput();
  }

  /** Checks that F1 does not list the command when its own title is typed, once the list has settled. */
  async expectNotInPalette(id: string, title: string, settleMs = 2_000): Promise<void> {
    await this.openQuickInput(`>${title}`);
    await sleep(settleMs);
    const shown = await this.commandRow(id, title).count();
    await this.closeQuickInput();
    if (shown > 0) throw new Error(`the command palette lists ${title} (${id})`);
  }

  /** The accessible labels of the quick input's rows, read in one go (the list may re-render meanwhile). */
  async quickPickLabels(): Promise<string[]> {
    return this.quickInput
      .locator('.monaco-list-row')
      .evaluateAll((rows: { getAttribute(name: string): string | null }[]) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  }

  async closeQuickInput(): Promise<void> {
    for (let i = 0; i < 3 && (await this.quickInput.isVisible()); i++) {
      await this.page.keyboard.press('Escape');
      await sleep(150);
    }
  }

  /** Waits for an input box whose prompt, title or placeholder matches, types `value` and presses Enter. */
  async answerInputBox(prompt: RegExp, value: string, timeoutMs = 30_000): Promise<void> {
    const input = this.quickInput.locator('input.input');
    await waitUntil(
      `an input box asking for ${prompt}`,
      timeoutMs,
      async () => {
        if (!(await this.quickInput.isVisible())) return undefined;
        const texts = [
          await this.quickInput
            .locator('.quick-input-message')
            .innerText()
            .catch(() => ''),
          await this.quickInput
            .locator('.quick-input-title')
            .innerText()
            .catch(() => ''),
          (await input.getAttribute('placeholder').catch(() => '')) ?? '',
          (await input.getAttribute('aria-label').catch(() => '')) ?? '',
        ];
        return texts.some((t) => prompt.test(t)) ? true : undefined;
      },
      async () =>
        (await this.quickInput.isVisible())
          ? squash(await this.quickInput.locator('.quick-input-message').innerText())
          : 'no input box open',
    );
    await input.fill(value);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Accepts an offer the extension makes after a command: a quick-pick item or a notification
   * button whose text matches. Returns false when nothing like it appeared within `timeoutMs`.
   */
  async acceptOffer(text: RegExp, timeoutMs: number): Promise<boolean> {
    const pickRow = this.quickInput.locator('.monaco-list-row').filter({ hasText: text });
    const button = this.page
      .locator('.notifications-toasts .monaco-button, .notifications-center .monaco-button')
      .filter({ hasText: text });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (
        await pickRow
          .first()
          .isVisible()
          .catch(() => false)
      ) {
        await pickRow.first().click();
        await sleep(300);
        // A multi-select pick toggles a checkbox on click and still wants Enter.
        if (await this.quickInput.isVisible()) await this.page.keyboard.press('Enter');
        return true;
      }
      if (
        await button
          .first()
          .isVisible()
          .catch(() => false)
      ) {
        await button.first().click();
        return true;
      }
      await sleep(250);
    }
    return false;
  }

  /** Picks the quick-pick row matching `text` when a pick is open; false when none is open. */
  async pickIfAsked(text: RegExp, timeoutMs: number): Promise<boolean> {
    const row = this.quickInput.locator('.monaco-list-row').filter({ hasText: text });
    try {
      await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      return false;
    }
    await row.first().click();
    return true;
  }

  /**
   * Waits for a quick pick whose rows' accessible labels include every one of `expect`, then
   * picks the row whose label starts with `choice`. Returns the labels it offered.
   */
  async pickByLabel(expect: readonly string[], choice: string, timeoutMs = 20_000): Promise<string[]> {
    const labels = await waitUntil(
      `a quick pick offering ${expect.join(', ')}`,
      timeoutMs,
      async () => {
        const now = await this.quickPickLabels();
        return expect.every((e) => now.some((l) => l.startsWith(e))) ? now : undefined;
      },
      async () => JSON.stringify(await this.quickPickLabels()),
    );
    if (!labels.some((l) => l.startsWith(choice))) throw new Error(`no quick pick row starts with ${choice}: ${JSON.stringify(labels)}`);
    await this.quickInput.locator(`.monaco-list-row[aria-label^="${choice}"]`).first().click();
    return labels;
  }

  /** Waits for a modal dialog whose message matches and presses its button labelled `button`. */
  async confirmDialog(message: RegExp, button: string, timeoutMs = 15_000): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await waitUntil(
      `a dialog saying ${message}`,
      timeoutMs,
      async () => ((await dialog.isVisible()) && message.test(await dialog.innerText()) ? true : undefined),
      async () => ((await dialog.isVisible()) ? squash(await dialog.innerText()) : 'no dialog'),
    );
    await dialog.locator('.monaco-button', { hasText: button }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Shows a view container of the activity bar by its title (the tooltip of its icon); a click on the shown one would hide it. */
  async showViewContainer(title: string): Promise<void> {
    const item = this.page.locator('.activitybar .action-item', { has: this.page.locator(`a[aria-label^="${title}"]`) }).first();
    if (((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked')) return;
    await item.locator('a').first().click();
  }

  /** The rows of a tree view, by the view pane's title. */
  viewRows(paneTitle: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: paneTitle }) }).locator('.monaco-list-row');
  }

  /** Right-clicks `row` and runs the context menu entry labelled `entry`. */
  async contextMenu(row: Locator, entry: string): Promise<void> {
    await row.click({ button: 'right' });
    const item = this.page.locator('.context-view .monaco-menu .action-item', { hasText: entry }).first();
    await item.waitFor({ timeout: 10_000 });
    await item.click();
  }

  async statusBarTexts(): Promise<string[]> {
    return (await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map(squash).filter(Boolean);
  }

  /** Opens a workspace file by Quick Open, as a person would type its path. */
  async openFile(relPath: string): Promise<void> {
    const base = path.posix.basename(relPath);
    await this.openQuickInput(relPath);
    // By the row's own name: a recently opened editor whose title mentions the path also matches by text.
    const dir = path.posix.dirname(relPath);
    // A file at the root has no folder after its name in the label.
    const row = this.quickInput.locator(`.monaco-list-row[aria-label^="${dir === '.' ? base : `${base} ${dir}`}"]`).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await this.waitForActiveEditor(base, 15_000);
  }

  // ---- editors -------------------------------------------------------------------------------

  async activeTabLabel(): Promise<string> {
    const tab = this.page.locator('.editor-group-container.active .tab.active').first();
    return squash((await tab.getAttribute('aria-label')) ?? (await tab.innerText()));
  }

  /** Clicks the editor tab whose label contains `text` (in any group). */
  async activateTab(text: string): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab').filter({ hasText: text }).first();
    if ((await tab.count()) === 0) throw new Error(`no editor tab shows "${text}"`);
    await tab.click();
    await waitUntil(`the "${text}" tab in front`, 10_000, async () =>
      (await tab.getAttribute('class'))?.includes('active') ? true : undefined,
    );
  }

  async waitForActiveEditor(fileName: string, timeoutMs = 20_000): Promise<void> {
    await waitUntil(
      `the active editor tab to show ${fileName}`,
      timeoutMs,
      async () => ((await this.activeTabLabel()).split(/[ ,]/)[0] === fileName ? true : undefined),
      () => this.activeTabLabel(),
    );
  }

  /** The cursor position the status bar shows for the active editor. */
  async cursorPosition(): Promise<EditorPosition | undefined> {
    for (const t of await this.statusBarTexts()) {
      const m = /^Ln (\d+), Col (\d+)/.exec(t);
      if (m) return { line: Number(m[1]), column: Number(m[2]) };
    }
    return undefined;
  }

  async waitForCursorLine(line: number, timeoutMs = 15_000): Promise<EditorPosition> {
    return waitUntil(
      `the cursor on line ${line}`,
      timeoutMs,
      async () => {
        const p = await this.cursorPosition();
        return p?.line === line ? p : undefined;
      },
      async () => JSON.stringify(await this.cursorPosition()),
    );
  }

  /** The two sides of the diff editor in the active group, once both have rendered text. */
  async activeDiffSides(timeoutMs = 20_000): Promise<DiffSides> {
    const diff = this.page.locator('.editor-group-container.active .monaco-diff-editor').first();
    return waitUntil(
      'a diff editor with text on both sides in the active editor group',
      timeoutMs,
      async () => {
        if (!(await diff.isVisible())) return undefined;
        const original = squash((await diff.locator('.editor.original .view-lines').allInnerTexts()).join('\n'));
        const modified = squash((await diff.locator('.editor.modified .view-lines').allInnerTexts()).join('\n'));
        return original && modified ? { original, modified } : undefined;
      },
      async () => `active tab "${await this.activeTabLabel()}"`,
    );
  }

  // ---- Problems panel ------------------------------------------------------------------------

  async showProblems(): Promise<void> {
    await this.runCommand('workbench.panel.markers.view.focus', 'Focus on Problems View');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** Hides the bottom panel (Problems, Output...), leaving the editor area the whole height. */
  async hideBottomPanel(): Promise<void> {
    await this.runCommand('workbench.action.closePanel', 'View: Hide Panel');
    await this.page.locator('.part.panel.bottom').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /**
   * The Problems panel as (file, marker) rows in display order: each marker carries the file
   * row it sits under, so "the error is in job.log" is checked, not guessed from the message.
   */
  async problems(): Promise<Problem[]> {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    // Read in one go: the tree re-renders as markers arrive, and a row read one call at a time
    // could be gone by the next call.
    const seen = await rows.evaluateAll((els: { getAttribute(name: string): string | null; innerText: string }[]) =>
      els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', text: e.innerText })),
    );
    const out: Problem[] = [];
    let file = '';
    let folder = '';
    seen.forEach(({ label, text }, i) => {
      const fileRow = /problems? in file (.+?) of folder (.*)$/i.exec(label);
      if (fileRow) {
        file = fileRow[1] ?? '';
        folder = (fileRow[2] ?? '').trim();
        return;
      }
      out.push({ file, folder, label, text: squash(text), row: rows.nth(i) });
    });
    return out;
  }

  // ---- webviews and themes -------------------------------------------------------------------

  /** Ready webviews of the extension under test (VS Code puts the owner's id in the frame's URL). */
  extensionWebviews(): Locator {
    return this.page.locator(`iframe.webview.ready[src*="extensionId=${encodeURIComponent(this.env.extensionId)}"]`);
  }

  /**
   * The content frame of the first ready webview whose document contains `marker`. VS Code
   * nests each webview's document in an inner `active-frame` iframe.
   */
  async webviewWith(marker: (frame: FrameLocator) => Locator, what: string, timeoutMs = 30_000): Promise<FrameLocator> {
    const frames = this.extensionWebviews();
    return waitUntil(
      what,
      timeoutMs,
      async () => {
        const n = await frames.count();
        for (let i = 0; i < n; i++) {
          const inner = frames.nth(i).contentFrame().frameLocator('iframe#active-frame');
          if ((await marker(inner).count()) > 0) return inner;
        }
        return undefined;
      },
      async () => `${await frames.count()} ready webview(s)`,
    );
  }

  async themeKind(): Promise<ThemeKind> {
    const cls = (await this.page.locator('.monaco-workbench').getAttribute('class')) ?? '';
    return /\bvs-dark\b|\bhc-black\b/.test(cls) ? 'dark' : 'light';
  }

  /** Switches the color theme through Preferences: Color Theme and waits for the workbench to repaint. */
  async setTheme(kind: ThemeKind): Promise<void> {
    if ((await this.themeKind()) === kind) return;
    await this.runCommand('workbench.action.selectTheme', 'Preferences: Color Theme');
    await this.quickInput.locator('input.input').fill(THEMES[kind]);
    const row = this.quickInput.locator('.monaco-list-row').filter({ hasText: THEMES[kind] }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await waitUntil(`the ${kind} theme`, 15_000, async () => ((await this.themeKind()) === kind ? true : undefined));
  }
}
