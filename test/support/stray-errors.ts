// Run by test/export-db-outage.e2e-spec.ts as a process of its own: a promise rejected with no
// handler and an exception thrown from a timer, under the process guards that the app and the
// worker install. Without them Node ends the process at the first.
import { installProcessGuards } from '../../src/common/process-guards.js';

installProcessGuards();
void Promise.reject(new Error('stray rejection'));
setTimeout(() => {
  throw new Error('stray exception');
}, 50);
setTimeout(() => {
  console.log('still running after both');
  process.exit(0);
}, 300);
