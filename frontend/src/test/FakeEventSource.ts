// A scriptable stand-in for the browser's EventSource: tests open, emit and fail it by hand.

import type { EventSourceLike } from '../feed';

type Listener = (event: MessageEvent<string>) => void;

export class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }

  static reset() {
    FakeEventSource.instances = [];
  }

  readonly url: string;
  readyState = 0;
  closed = false;
  private listeners = new Map<string, Listener[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  removeEventListener() {}

  close() {
    this.closed = true;
    this.readyState = 2;
  }

  private fire(type: string, data?: string, lastEventId = '') {
    for (const listener of this.listeners.get(type) ?? []) {
      listener(new MessageEvent(type, { data, lastEventId }));
    }
  }

  open() {
    this.readyState = 1;
    this.fire('open');
  }

  /** An event with JSON data; `id` is its `id:` line (the browser's `lastEventId`). */
  emit(type: 'history' | 'email' | 'status' | 'delta', payload: unknown, id?: number) {
    this.fire(type, JSON.stringify(payload), id === undefined ? '' : String(id));
  }

  /** A dropped connection the browser will retry (or, with `fatal`, gives up on). */
  fail(fatal = false) {
    this.readyState = fatal ? 2 : 0;
    this.fire('error');
  }
}
