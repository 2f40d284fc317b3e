/**
 * The files' fingerprint kept with the project's model choice (AdaptationStore: a `meta` row, no
 * migration): recorded by a choice for its id, adopted once by a project that has none (an
 * older version's), never replaced by an adoption, and not the fingerprint of another model
 * chosen since by a version that does not record one. The job arguments that ask the engine
 * for the recorded model carry it for a model folder only (recordedArgs).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptationStore } from '../../../src-main/adaptation/adaptation-store';
import { recordedArgs } from '../../../src-main/adaptation/feature-extraction';
import { Project } from '../../../src-main/project/project';
import type { ModelChoice } from '../../../src-shared/contract';
import { tempDir } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const FOLDER: ModelChoice = { kind: 'folder', path: '/models/leaves' };
const STARTER: ModelChoice = { kind: 'starter' };

function store(): { store: AdaptationStore; project: Project } {
  const project = Project.open(tempDir(), true);
  projects.push(project);
  return { store: new AdaptationStore(project.db), project };
}

describe('the model choice\'s fingerprint', () => {
  it('a choice records its files\' fingerprint; choosing again records the new one', () => {
    const { store: s } = store();
    expect(s.model()).toBeNull();
    s.setModel(FOLDER, 'leaves-v1', 'leaves', 'aaaaaaaaaaaa');
    expect(s.model()).toEqual({ choice: FOLDER, modelId: 'leaves-v1', modelName: 'leaves', fingerprint: 'aaaaaaaaaaaa' });
    s.setModel(FOLDER, 'leaves-v1', 'leaves', 'bbbbbbbbbbbb');
    expect(s.model()?.fingerprint).toBe('bbbbbbbbbbbb');
    // Another model chosen without a known fingerprint: none recorded for it.
    s.setModel(STARTER, 'starter-v1', 'Starter', null);
    expect(s.model()?.fingerprint).toBeNull();
  });

  it('adopted once when none is recorded, for the chosen model only; a recorded one is never replaced by an adoption', () => {
    const { store: s } = store();
    s.setModel(FOLDER, 'leaves-v1', 'leaves');
    expect(s.model()?.fingerprint).toBeNull();
    s.adoptModelFingerprint('bark-v2', 'cccccccccccc');
    expect(s.model()?.fingerprint).toBeNull();
    s.adoptModelFingerprint('leaves-v1', 'aaaaaaaaaaaa');
    expect(s.model()?.fingerprint).toBe('aaaaaaaaaaaa');
    s.adoptModelFingerprint('leaves-v1', 'bbbbbbbbbbbb');
    expect(s.model()?.fingerprint).toBe('aaaaaaaaaaaa');
  });

  it('a row left by an older version for another model, or damaged, is no fingerprint of the chosen one', () => {
    const { store: s, project } = store();
    s.setModel(FOLDER, 'leaves-v1', 'leaves', 'aaaaaaaaaaaa');
    // An older version chooses another model: it writes engine_model only.
    project.db.prepare("UPDATE engine_model SET model_id = 'bark-v2', model_name = 'bark' WHERE id = 1").run();
    expect(s.model()).toMatchObject({ modelId: 'bark-v2', fingerprint: null });
    project.db.prepare("UPDATE meta SET value = '{not json' WHERE key = 'model-fingerprint'").run();
    project.db.prepare("UPDATE engine_model SET model_id = 'leaves-v1' WHERE id = 1").run();
    expect(s.model()?.fingerprint).toBeNull();
  });

  it('the engine is asked for the recorded files of a model folder only', () => {
    const folder = { choice: FOLDER, modelId: 'leaves-v1', modelName: 'leaves', fingerprint: 'aaaaaaaaaaaa' };
    expect(recordedArgs('leaves-v1', folder)).toEqual({ recordedModelId: 'leaves-v1', recordedFingerprint: 'aaaaaaaaaaaa' });
    expect(recordedArgs('leaves-v1', { ...folder, fingerprint: null })).toEqual({ recordedModelId: 'leaves-v1' });
    expect(recordedArgs('leaves-v1', { ...folder, modelId: 'bark-v2' })).toEqual({ recordedModelId: 'leaves-v1' });
    expect(recordedArgs('starter-v1', { ...folder, choice: STARTER, modelId: 'starter-v1' })).toEqual({ recordedModelId: 'starter-v1' });
  });
});
