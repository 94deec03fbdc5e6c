import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

export interface Tab {
  id: string;
  label: string;
}

/** WAI-ARIA tabs: arrow keys move between tabs, Tab moves into the panel. */
export function Tabs(props: { tabs: Tab[]; selected: string; onSelect(id: string): void; children: ComponentChildren }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const index = props.tabs.findIndex((t) => t.id === props.selected);
    const next = props.tabs[(index + (e.key === 'ArrowRight' ? 1 : props.tabs.length - 1)) % props.tabs.length];
    if (!next) return;
    props.onSelect(next.id);
    refs.current[next.id]?.focus();
  };
  return (
    <div>
      <div class="tabs" role="tablist" onKeyDown={onKeyDown}>
        {props.tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            class="tabs__tab"
            aria-selected={t.id === props.selected}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === props.selected ? 0 : -1}
            onClick={() => props.onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${props.selected}`} aria-labelledby={`tab-${props.selected}`} class="tabs__panel">
        {props.children}
      </div>
    </div>
  );
}
