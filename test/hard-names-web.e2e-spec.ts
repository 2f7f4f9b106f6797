// A 115-character name without spaces on the pages, in a real browser against the real app: it
// wraps inside its cell or heading, so no page and no table scrolls sideways (at desktop and
// tablet width), and the cells beside it stay in view.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, seedOpenCycle } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const LONG_NAME = 'Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegtundsorgfalt';
const LONG_DEPARTMENT = 'Departmentofsalesandcustomerrelationshipmanagementforeastchinaandthesouthernprovinces';

describe('an unbroken 115-character name on the pages', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let employee: EmployeeDto;
  let review: ReviewDto;

  beforeAll(async () => {
    expect(LONG_NAME).toHaveLength(115);
    t = await createTestApp();
    cycle = await seedOpenCycle(t);
    employee = await createEmployee(t, 'account_manager', { name: LONG_NAME, department: LONG_DEPARTMENT });
    review = await createReview(t, employee.id, cycle.id);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-hard-names-web-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it.each([
    { viewport: { width: 1280, height: 800 }, label: 'desktop' },
    { viewport: { width: 768, height: 1024 }, label: 'tablet' },
  ])('wraps in every list, heading and cell ($label)', async ({ viewport }) => {
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setViewport(viewport);
      await page.goto(`${t.url}/login`);
      await page.type('#f-email', 'hr@test.example');
      await page.type('#f-password', TEST_PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
      for (const path of [`/employees?q=${employee.employeeNo}`, `/employees/${employee.id}`, `/reviews/${review.id}`, `/reviews?cycleId=${cycle.id}`]) {
        await page.goto(`${t.url}${path}`);
        const found = await page.evaluate((name: string) => {
          // Elements whose own text holds the name (the link in a cell, the heading).
          const shown = Array.from(document.querySelectorAll('body *')).filter((el) =>
            Array.from(el.childNodes).some((node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').includes(name)),
          );
          return {
            shown: shown.length,
            // How far the page, or a table holding the name inside its scrolling box, is wider than
            // its room (the review form's KPI table scrolls at tablet width whatever the name).
            pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
            tableOverflow: Math.max(
              0,
              ...Array.from(document.querySelectorAll('.table-wrap'))
                .filter((wrap) => shown.some((el) => wrap.contains(el)))
                .map((wrap) => wrap.scrollWidth - wrap.clientWidth),
            ),
            nameRight: Math.max(0, ...shown.map((el) => el.getBoundingClientRect().right)),
          };
        }, LONG_NAME);
        expect({ path, shown: found.shown > 0 }).toEqual({ path, shown: true });
        // The path rides along so that a failure names the page.
        expect({ path, nameInView: found.nameRight <= viewport.width, pageFits: found.pageOverflow <= 0, tablesFit: found.tableOverflow <= 1 }).toEqual({
          path,
          nameInView: true,
          pageFits: true,
          tablesFit: true,
        });
      }
    } finally {
      await context.close();
    }
  });
});
