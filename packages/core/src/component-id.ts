import { randomUUID } from 'node:crypto';

/** What kind of component a hook is looking at; any string is allowed for custom kinds. */
export type ComponentType = 'agent' | 'tool' | 'workflow' | 'system' | (string & {});

/** Identifies the component (agent, tool, workflow …) a hook point belongs to. */
export interface ComponentId {
  readonly id: string;
  readonly name: string;
  readonly componentType: ComponentType;
}

/** Creates a frozen `ComponentId`; `id` defaults to a new UUID. */
export function componentId(
  name: string,
  componentType: ComponentType,
  id: string = randomUUID(),
): ComponentId {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`componentId(name, type) needs a non-empty name, got ${JSON.stringify(name)}`);
  }
  return Object.freeze({ id, name, componentType });
}
