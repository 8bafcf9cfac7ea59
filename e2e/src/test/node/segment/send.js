// Sends identify, track, screen, page, group and alias with each of Segment's Node.js libraries
// to the ingest, unchanged but for the host, and prints what was sent as one JSON line:
// [{library, type, userId, messageId}]. Usage: node send.js <ingest base URL> <write key> <run id>
'use strict';
const [, , host, writeKey, run] = process.argv;
const sent = [];

function record(library, type, message) {
  sent.push({ library, type, userId: message.userId, messageId: message.messageId });
  return message;
}

async function current() {
  const { Analytics } = require('@segment/analytics-node');
  const analytics = new Analytics({ writeKey, host, flushAt: 6, maxRetries: 3 });
  const failures = [];
  analytics.on('error', (e) => failures.push(String(e && (e.reason || e.message || e))));
  const userId = `seg-current-${run}`;
  const calls = [
    ['identify', { userId, traits: { plan: 'pro', nested: { level: 1 } } }],
    ['track', { userId, event: 'Video Played', properties: { seconds: 12.5 } }],
    ['screen', { userId, name: 'Main', properties: { tab: 'home' } }],
    ['page', { userId, name: 'Home', properties: { path: '/' } }],
    ['group', { userId, groupId: `g-${run}`, traits: { seats: 3 } }],
    ['alias', { userId, previousId: `anon-${run}` }],
  ];
  for (const [type, message] of calls) {
    message.messageId = `cur-${type}-${run}`;
    analytics[type](record('@segment/analytics-node', type, message));
  }
  await analytics.closeAndFlush({ timeout: 20000 });
  if (failures.length) throw new Error('@segment/analytics-node: ' + failures.join('; '));
}

async function classic() {
  const Analytics = require('analytics-node');
  const failures = [];
  const analytics = new Analytics(writeKey, {
    host,
    flushAt: 6,
    errorHandler: (e) => failures.push(String(e && e.message)),
  });
  const userId = `seg-classic-${run}`;
  const calls = [
    ['identify', { userId, traits: { plan: 'free' } }],
    ['track', { userId, event: 'Video Played', properties: { seconds: 3 } }],
    ['screen', { userId, name: 'Main' }],
    ['page', { userId, name: 'Home' }],
    ['group', { userId, groupId: `g-${run}` }],
    ['alias', { userId, previousId: `anon-${run}` }],
  ];
  for (const [type, message] of calls) {
    message.messageId = `cls-${type}-${run}`;
    analytics[type](record('analytics-node', type, message));
  }
  await new Promise((resolve, reject) => analytics.flush((e) => (e ? reject(e) : resolve())));
  if (failures.length) throw new Error('analytics-node: ' + failures.join('; '));
}

(async () => {
  await current();
  await classic();
  console.log(JSON.stringify(sent));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
