/**
 * The contract is declared per domain and merged into one map; the handlers are written per
 * domain and merged the same way. A name in two domains is an error, every request has
 * exactly one handler in the domain that declares it, and every request says whether it is
 * a query or a command.
 */
import { describe, expect, it } from 'vitest';
import { domainHandlers, createHandlers } from '../../../src-main/api/handlers';
import { Workspace } from '../../../src-main/api/workspace';
import { channels, requestDomains, requests } from '../../../src-shared/contract';
import { mergeDomains } from '../../../src-shared/requests/request-def';
import { tempDir } from '../../support/image-folder';

describe('contract domains', () => {
  it('refuses a name declared by two domains, naming both', () => {
    expect(() => mergeDomains({ labels: { 'labels:set': 1 }, transfer: { 'labels:set': 2 } })).toThrowError(
      '"labels:set" is declared twice: in labels and in transfer.',
    );
    expect(mergeDomains({ a: { x: 1 }, b: { y: 2 } })).toEqual({ x: 1, y: 2 });
  });

  it('merges every domain into the one request map', () => {
    const declared = Object.values(requestDomains).flatMap((domain) => Object.keys(domain));
    expect(new Set(declared).size).toBe(declared.length);
    expect([...declared].sort()).toEqual([...channels].sort());
  });

  it('has exactly one handler per request, in the domain that declares it', () => {
    const ws = new Workspace({ stateDir: tempDir('adma-state-'), shell: 'web', version: 'test' });
    const byDomain = domainHandlers(ws);
    expect(Object.keys(byDomain).sort()).toEqual(Object.keys(requestDomains).sort());
    for (const [domain, handlers] of Object.entries(byDomain)) {
      expect(Object.keys(handlers).sort(), domain).toEqual(Object.keys(requestDomains[domain as keyof typeof requestDomains]).sort());
    }
    expect(Object.keys(createHandlers(ws)).sort()).toEqual([...channels].sort());
  });

  it('marks every request a query or a command, and app-wide or of the open project', () => {
    for (const channel of channels) {
      expect(['query', 'command'], channel).toContain(requests[channel].kind);
      expect(['project', 'app'], channel).toContain(requests[channel].scope);
    }
    const kinds = (names: (keyof typeof requests)[]) => names.map((n) => `${n} ${requests[n].kind} ${requests[n].scope}`);
    expect(kinds(['labels:set', 'labels:undo', 'classes:delete', 'loop:nextRound', 'engine:chooseModel', 'labels:importCsv', 'export:run'])).toEqual([
      'labels:set command project',
      'labels:undo command project',
      'classes:delete command project',
      'loop:nextRound command project',
      'engine:chooseModel command project',
      'labels:importCsv command project',
      'export:run command project',
    ]);
    expect(kinds(['images:get', 'loop:rounds', 'dashboard:get', 'project:open', 'project:recent'])).toEqual([
      'images:get query project',
      'loop:rounds query project',
      'dashboard:get query project',
      'project:open command app',
      'project:recent query app',
    ]);
  });
});
