import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOcfEnvironment } from '../../../src/ocf/environment.js';
import { exitReasonLine, redactSecrets } from '../../../src/ocf/log.js';
import { nodesAfterTransition, noOtherPrimaryAfterTransition, parseNotification, primariesAfterTransition, promotedAgainInPlace } from '../../../src/ocf/notify.js';

describe('readOcfEnvironment', () => {
  it('treats a monitor without CRM_meta_interval as a probe (Pacemaker passes none)', () => {
    const env = readOcfEnvironment('monitor', { OCF_RESOURCE_INSTANCE: 'pgsqld:1', OCF_RESKEY_CRM_meta_timeout: '15000' });
    assert.equal(env.isProbe, true);
    assert.equal(env.instance, 'pgsqld');
    assert.equal(env.timeoutMs, 15_000);
  });
  it('splits parameters from meta attributes, and detects a promotable clone from promoted_max', () => {
    const env = readOcfEnvironment('start', {
      OCF_RESKEY_pgport: '5433',
      OCF_RESKEY_crm_feature_set: '3.16.1',
      OCF_RESKEY_CRM_meta_promoted_max: '1',
      OCF_RESKEY_CRM_meta_clone_max: '3',
      OCF_RESKEY_CRM_meta_notify: 'true',
    });
    assert.deepEqual(env.params, { pgport: '5433' });
    assert.equal(env.clone.promotable, true);
    assert.equal(env.clone.notify, true);
    assert.equal(env.clone.promotedMax, 1);
  });
  it('reads the legacy master_max too', () => {
    assert.equal(readOcfEnvironment('start', { OCF_RESKEY_CRM_meta_master_max: '1' }).clone.promotable, true);
  });
});

describe('parseNotification', () => {
  it('splits lists on whitespace, an empty list being a single space', () => {
    const n = parseNotification({
      notify_type: 'pre',
      notify_operation: 'promote',
      notify_promote_uname: 'node2 ',
      notify_demote_uname: 'node1',
      notify_stop_uname: 'node1',
      notify_start_uname: ' ',
      notify_active_uname: 'node1 node2 node3',
      notify_all_uname: 'node1 node2 node3',
    })!;
    assert.deepEqual(n.unames.promote, ['node2']);
    assert.deepEqual(n.unames.start, []);
    assert.deepEqual(nodesAfterTransition(n), ['node2', 'node3']);
  });
  it('counts a node restarted in the transition (stop and start) among those running after it', () => {
    const n = parseNotification({
      notify_type: 'pre',
      notify_operation: 'promote',
      notify_promote_uname: 'node3',
      notify_demote_uname: 'node1',
      notify_stop_uname: 'node1 node2',
      notify_start_uname: 'node1',
      notify_active_uname: 'node1 node3',
    })!;
    assert.deepEqual(nodesAfterTransition(n).sort(), ['node1', 'node3']);
  });
  it('falls back to the legacy master/slave lists', () => {
    const n = parseNotification({ notify_type: 'post', notify_operation: 'start', notify_master_uname: 'node1', notify_slave_uname: 'node2' })!;
    assert.deepEqual(n.unames.promoted, ['node1']);
    assert.deepEqual(n.unames.unpromoted, ['node2']);
  });
  it('is undefined without notify variables', () => assert.equal(parseNotification({ timeout: '1000' }), undefined));
  it('tells which nodes hold the promoted role after the transition', () => {
    const recovery = parseNotification({ notify_type: 'pre', notify_operation: 'start', notify_promoted_uname: 'node1', notify_demote_uname: 'node1', notify_stop_uname: 'node1', notify_start_uname: 'node1', notify_promote_uname: 'node1' })!;
    assert.deepEqual(primariesAfterTransition(recovery), ['node1']);
    const rejoin = parseNotification({ notify_type: 'pre', notify_operation: 'start', notify_promoted_uname: 'node2', notify_start_uname: 'node1', notify_promote_uname: ' ' })!;
    assert.deepEqual(primariesAfterTransition(rejoin), ['node2']);
    const failover = parseNotification({ notify_type: 'pre', notify_operation: 'promote', notify_promoted_uname: 'node1', notify_stop_uname: 'node1', notify_promote_uname: 'node2' })!;
    assert.deepEqual(primariesAfterTransition(failover), ['node2']);
  });
  it("tells a recovery in place of the primary from the rest", () => {
    const recovery = parseNotification({ notify_type: 'pre', notify_operation: 'start', notify_promoted_uname: 'node1', notify_demote_uname: 'node1', notify_stop_uname: 'node1', notify_start_uname: 'node1', notify_promote_uname: 'node1' })!;
    assert.equal(promotedAgainInPlace(recovery, 'node1'), true);
    assert.equal(promotedAgainInPlace(recovery, 'node2'), false);
    const failover = parseNotification({ notify_type: 'pre', notify_operation: 'start', notify_promoted_uname: 'node1', notify_stop_uname: 'node1', notify_start_uname: 'node1', notify_promote_uname: 'node2' })!;
    assert.equal(promotedAgainInPlace(failover, 'node1'), false, 'another node becomes primary');
    assert.equal(noOtherPrimaryAfterTransition(failover, 'node1'), false);
    const clusterStart = parseNotification({ notify_type: 'pre', notify_operation: 'start', notify_start_uname: 'node1 node2' })!;
    assert.equal(noOtherPrimaryAfterTransition(clusterStart, 'node1'), true);
    assert.equal(promotedAgainInPlace(clusterStart, 'node1'), false, 'started, not promoted in this transition');
  });
});

describe('exit reasons', () => {
  it('are one line, prefixed and short enough for Pacemaker', () => {
    const line = exitReasonLine(`a\nb ${'x'.repeat(300)}`, 'ocf-exit-reason:');
    assert.ok(line.startsWith('ocf-exit-reason:a b '));
    assert.ok(line.length <= 'ocf-exit-reason:'.length + 128);
  });
  it('are cut to 128 bytes at a character boundary, so Pacemaker never splits a UTF-8 character', () => {
    const line = exitReasonLine('é'.repeat(100), 'p:');
    const reason = line.slice(2);
    assert.ok(Buffer.byteLength(reason) <= 128);
    assert.ok(reason.endsWith('...'));
    assert.doesNotMatch(reason, /\uFFFD/);
  });
  it('never show passwords', () => {
    assert.equal(redactSecrets("host=vip password='s3cr et' user=x"), 'host=vip password=******** user=x');
    assert.equal(redactSecrets('postgresql://rep:hunter2@vip/db'), 'postgresql://rep:********@vip/db');
    assert.equal(redactSecrets('passwd=abc'), 'passwd=********');
  });
});
