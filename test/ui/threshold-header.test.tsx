/**
 * The header with thresholds: a queue past critical is red, past warning amber, with its
 * oldest age when the age is the cause (default theme, chalk level pinned).
 */
import chalk from 'chalk';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, expect, onTestFinished, test } from 'vitest';
import { loadTheme } from '../../src/config/theme-load.js';
import { createConsoleStore } from '../../src/store/console-store.js';
import { selectLevels } from '../../src/store/thresholds.js';
import { selectCounts } from '../../src/store/selectors.js';
import { Header } from '../../src/ui/components/header.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { waitForFrame } from './frames.js';
import { batch, fakeBackend, makeEntry, NOW_MS, NOW_SEC } from '../store/fixtures.js';

afterEach(() => cleanup());

const thresholds = {
  deferred: { count: { warning: 2, critical: 3 } },
  hold: { age: { warning: 3600, critical: 86_400 } },
};

test('header: a queue past critical is red, past warning amber, with its age when age is the cause', async () => {
  const level = chalk.level;
  chalk.level = 1;
  onTestFinished(() => {
    chalk.level = level;
  });
  const store = createConsoleStore({ backend: fakeBackend(), now: () => NOW_MS, thresholds });
  store.getState().applySpoolBatch(batch(['D1', 'D2', 'D3'].map((id) => makeEntry(id)).concat(makeEntry('H1', { queueName: 'hold', arrivalTime: NOW_SEC - 7200 }))));
  const s = store.getState();
  const theme = loadTheme({ name: 'default', env: { HOME: '/nonexistent' } });
  const { lastFrame } = render(
    <ThemeContext.Provider value={theme}>
      <Header host="mx" spool="/s" counts={selectCounts(s)} watcher={{ mode: 'live', message: null, warnings: [] }} paused={false} readOnly={false}
        now={NOW_SEC} width={120} compact={false} levels={selectLevels(s)} />
    </ThemeContext.Provider>,
  );
  const frame = await waitForFrame(lastFrame, 'deferred');
  // status.error is red and bold, status.warn yellow (themes/default.json).
  expect(frame).toMatch(/\x1b\[31m(\x1b\[1m)? 3  /);
  expect(frame).toMatch(/\x1b\[33m 1 \(2h\)  /);
  // Below its levels a queue keeps its usual style (no red, no yellow).
  expect(frame).not.toMatch(/\x1b\[3[13]m(\x1b\[1m)? 0  /);
});
