import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { DRAFT_SAVE_MS, useDraftAutosave } from './useDraftAutosave';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function setUp(save = vi.fn(async (_text: string) => {})) {
  const hook = renderHook(({ enabled }) => useDraftAutosave(save, { enabled }), { initialProps: { enabled: true } });
  return { save, hook, draft: () => hook.result.current };
}

describe('useDraftAutosave', () => {
  it('saves 5 s after a change, with the latest text', async () => {
    const { save, draft } = setUp();
    act(() => draft().setText('Wri'));
    act(() => draft().setText('Write to ana'));
    expect(draft().state).toBe('unsaved');
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_SAVE_MS - 1));
    expect(save).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(save).toHaveBeenCalledExactlyOnceWith('Write to ana');
    expect(draft().state).toBe('saved');
  });

  it('keeps saving every 5 s while the text changes, and stops when it does not', async () => {
    const { save, draft } = setUp();
    act(() => draft().setText('a'));
    await act(() => vi.advanceTimersByTimeAsync(3000));
    act(() => draft().setText('ab'));
    await act(() => vi.advanceTimersByTimeAsync(2000));
    expect(save).toHaveBeenLastCalledWith('ab');
    act(() => draft().setText('abc'));
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(save.mock.calls.map(([text]) => text)).toEqual(['ab', 'abc']);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(save).toHaveBeenCalledTimes(2);
  });

  it('saves at once on flush (the box lost focus), and not twice', async () => {
    const { save, draft } = setUp();
    act(() => draft().setText('hello'));
    await act(() => draft().flush());
    expect(save).toHaveBeenCalledExactlyOnceWith('hello');
    await act(() => draft().flush());
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('does not save a restored draft again, nor an unchanged one', async () => {
    const { save, draft } = setUp();
    act(() => draft().reset('from the server'));
    expect(draft().text).toBe('from the server');
    expect(draft().state).toBe('saved');
    await act(() => draft().flush());
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(save).not.toHaveBeenCalled();
  });

  it('shows a failed save and retries it on the next tick', async () => {
    const save = vi
      .fn(async (_text: string) => {})
      .mockRejectedValueOnce(new ApiError(0, "Can't reach the server."))
      .mockResolvedValue(undefined);
    const { draft } = setUp(save);
    act(() => draft().setText('keep me'));
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_SAVE_MS));
    expect(draft().state).toBe('error');
    expect(draft().error).toBe("Can't reach the server.");
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_SAVE_MS));
    expect(save).toHaveBeenCalledTimes(2);
    expect(draft().state).toBe('saved');
    expect(draft().error).toBeNull();
  });

  it('runs one save at a time and lets a request wait for it', async () => {
    let finish: () => void = () => {};
    const save = vi.fn((_text: string) => new Promise<void>((resolve) => (finish = resolve)));
    const { draft } = setUp(save);
    act(() => draft().setText('first'));
    let flushed = false;
    act(() => void draft().flush().then(() => (flushed = true)));
    expect(draft().state).toBe('saving');
    act(() => draft().setText('second'));
    await act(() => draft().flush());
    expect(save).toHaveBeenCalledTimes(1);
    let idle = false;
    act(() => void draft().idle().then(() => (idle = true)));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(idle).toBe(false);
    await act(async () => finish());
    expect(idle).toBe(true);
    expect(flushed).toBe(true);
    expect(draft().state).toBe('unsaved');
  });

  it('stops saving once disabled (the email is finished)', async () => {
    const { save, hook, draft } = setUp();
    act(() => draft().setText('typed as the email went out'));
    hook.rerender({ enabled: false });
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    await act(() => draft().flush());
    expect(save).not.toHaveBeenCalled();
  });
});
