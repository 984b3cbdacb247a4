/** The idea form's values and their conversion to the API's bodies. */

import type { Anonymity } from './conference';
import type { Idea, IdeaCreate, IdeaPatch } from './idea';

export interface IdeaFormValues {
  title: string;
  body: string;
  topic: string;
  department: string;
  anonymous: boolean;
}

/** Field names in form order; they match the API's field names. */
export const ideaFields = ['title', 'body', 'topic', 'department', 'anonymous'] as const;
export type IdeaField = (typeof ideaFields)[number];

export function emptyIdeaForm(anonymity: Anonymity, department = ''): IdeaFormValues {
  return { title: '', body: '', topic: '', department, anonymous: anonymity === 'always' };
}

export function formFromIdea(idea: Idea): IdeaFormValues {
  return { title: idea.title, body: idea.body, topic: idea.topic, department: idea.department, anonymous: idea.anonymous };
}

/** The create body; the policy decides anonymity where the participant has no choice. */
export function toIdeaCreate(v: IdeaFormValues, anonymity: Anonymity): IdeaCreate {
  return {
    title: v.title.trim(),
    body: v.body,
    topic: v.topic,
    department: v.department,
    anonymous: anonymity === 'always' ? true : anonymity === 'never' ? false : v.anonymous,
  };
}

/** Only changed fields plus the loaded version. */
export function toIdeaPatch(v: IdeaFormValues, original: Idea): IdeaPatch {
  const patch: IdeaPatch = { version: original.version };
  const title = v.title.trim();
  if (title !== original.title) patch.title = title;
  if (v.body !== original.body) patch.body = v.body;
  if (v.topic !== original.topic) patch.topic = v.topic;
  if (v.department !== original.department) patch.department = v.department;
  return patch;
}
