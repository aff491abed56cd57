// The chat's left column: always there beside the chat on wide screens; on phones a drawer
// that slides over the chat when its button in the header opens it, and goes away on Escape,
// on its close button, or on a tap beside it.

import { useEffect, useRef, type ReactNode } from 'react';
import { ghostButton } from './Header';

export const SIDEBAR_ID = 'chat-sidebar';

export interface SidebarProps {
  /** The drawer is open (phones only). */
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}

export function Sidebar({ open, onClose, children }: SidebarProps) {
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);

  return (
    <>
      {open ? <div data-testid="sidebar-backdrop" aria-hidden="true" onClick={onClose} className="fixed inset-0 z-30 bg-slate-900/40 md:hidden" /> : null}
      <aside
        id={SIDEBAR_ID}
        data-testid="sidebar"
        data-open={open ? 'true' : undefined}
        className={`${
          open ? 'fixed inset-y-0 left-0 z-40 flex w-80 max-w-[85vw] shadow-xl' : 'hidden'
        } flex-col border-r border-slate-200 bg-white md:static md:z-auto md:flex md:w-72 md:max-w-none md:shrink-0 md:shadow-none dark:border-slate-800 dark:bg-slate-900`}
      >
        <div className="flex items-center justify-end px-3 pt-3 md:hidden">
          <button ref={close} type="button" data-testid="sidebar-close" aria-label="Close past chats" onClick={onClose} className={ghostButton}>
            <span aria-hidden="true" className="text-base leading-none">
              ×
            </span>
          </button>
        </div>
        {children}
      </aside>
    </>
  );
}

/** The header's button that opens the drawer (phones only). */
export function SidebarToggle({ open, onOpen }: { open: boolean; onOpen: () => void }) {
  return (
    <button
      type="button"
      data-testid="sidebar-toggle"
      aria-label="Past chats"
      aria-controls={SIDEBAR_ID}
      aria-expanded={open}
      onClick={onOpen}
      className={`${ghostButton} md:hidden`}
    >
      <span aria-hidden="true" className="text-base leading-none">
        ☰
      </span>
    </button>
  );
}
