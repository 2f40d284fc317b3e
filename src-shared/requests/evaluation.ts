/** The evaluation set and the dashboard (learning curve, per-class counts, confusion). */
import { s } from '../schema';
import { command, query } from './request-def';

export interface CurvePoint {
  modelVersion: number;
  labels: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy on the evaluation set. */
  low: number;
  high: number;
  evaluated: number;
}

export interface Dashboard {
  trainingLabels: number;
  evaluation: { size: number; labeled: number };
  /** False until the evaluation set has labels and a model has been trained: accuracy is unknown. */
  accuracyKnown: boolean;
  curve: CurvePoint[];
  perClass: { classId: number; name: string; color: string; training: number; evaluation: number }[];
  confusion: { classIds: number[]; counts: number[][] } | null;
  plateau: { flat: boolean; message: string } | null;
}

export const evaluationRequests = {
  /** Add a random sample of unlabeled, never-queried images to the evaluation set. */
  'evaluation:sample': command(s.object({ count: s.int({ min: 1, max: 10_000 }) })).returns<{ added: number; size: number }>(),
  'dashboard:get': query(s.none()).returns<Dashboard>(),
} as const;
