// The card's styles: Home Assistant theme variables with plain fallbacks, so the card
// follows light and dark themes and still looks right outside Home Assistant.

export const cardStyles = `
:host {
  display: block;
  container-type: inline-size;
  --pac-accent: var(--primary-color, #03a9f4);
  --pac-text: var(--primary-text-color, #212121);
  --pac-muted: var(--secondary-text-color, #727272);
  --pac-divider: var(--divider-color, rgba(0, 0, 0, 0.12));
  --pac-error: var(--error-color, #db4437);
  --pac-track: color-mix(in srgb, var(--pac-accent) 18%, transparent);
}
ha-card:not(:defined), ha-card.fallback {
  display: block;
  background: var(--ha-card-background, var(--card-background-color, #fff));
  border-radius: var(--ha-card-border-radius, 12px);
  border: 1px solid var(--ha-card-border-color, var(--pac-divider));
  color: var(--pac-text);
}
ha-card { overflow: hidden; }
.header {
  display: flex;
  align-items: baseline;
  gap: 8px;
  padding: 16px 16px 8px;
  color: var(--ha-card-header-color, var(--pac-text));
  font-size: var(--ha-card-header-font-size, 1.25rem);
  line-height: 1.3;
}
.header .name { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.count {
  font-size: 0.875rem;
  color: var(--pac-muted);
  font-variant-numeric: tabular-nums;
}
.status {
  padding: 8px 16px 16px;
  color: var(--pac-muted);
}
.status.warning { color: var(--pac-error); }
.status:empty { display: none; }
ul {
  list-style: none;
  margin: 0;
  padding: 0 0 8px;
}
ul:empty { display: none; }
li {
  display: grid;
  grid-template-columns: minmax(0, 1fr) auto;
  grid-template-areas:
    "main actions"
    "bar bar"
    "times times"
    "error error";
  column-gap: 12px;
  row-gap: 6px;
  padding: 10px 16px;
  border-top: 1px solid var(--pac-divider);
  color: var(--pac-text);
}
.main { grid-area: main; min-width: 0; }
.title-line { display: flex; gap: 8px; align-items: baseline; }
.title {
  flex: 1;
  min-width: 0;
  font-weight: 500;
  overflow-wrap: anywhere;
}
.percent {
  font-variant-numeric: tabular-nums;
  color: var(--pac-muted);
  font-size: 0.875rem;
}
.meta {
  color: var(--pac-muted);
  font-size: 0.875rem;
  overflow-wrap: anywhere;
}
.meta:empty { display: none; }
.bar {
  grid-area: bar;
  position: relative;
  height: 6px;
  border-radius: 3px;
  background: var(--pac-track);
  overflow: hidden;
}
.fill {
  position: absolute;
  inset: 0 auto 0 0;
  width: 0;
  border-radius: 3px;
  background: var(--pac-accent);
  transition: width 0.6s ease;
}
.bar.indeterminate .fill {
  width: 35%;
  animation: pac-slide 1.4s ease-in-out infinite;
}
@keyframes pac-slide {
  from { transform: translateX(-100%); }
  to { transform: translateX(290%); }
}
@media (prefers-reduced-motion: reduce) {
  .fill { transition: none; }
  .bar.indeterminate .fill {
    width: 100%;
    animation: pac-pulse 2.4s ease-in-out infinite;
  }
  @keyframes pac-pulse {
    0%, 100% { opacity: 0.35; }
    50% { opacity: 0.8; }
  }
}
.times {
  grid-area: times;
  display: flex;
  flex-wrap: wrap;
  justify-content: space-between;
  gap: 4px 12px;
  color: var(--pac-muted);
  font-size: 0.8125rem;
  font-variant-numeric: tabular-nums;
}
.actions {
  grid-area: actions;
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: flex-end;
  gap: 6px;
  font-size: 0.875rem;
}
.actions:empty { display: none; }
.error {
  grid-area: error;
  color: var(--pac-error);
  font-size: 0.8125rem;
}
.error:empty { display: none; }
button {
  font: inherit;
  font-size: 0.875rem;
  font-weight: 500;
  cursor: pointer;
  border-radius: 18px;
  padding: 4px 12px;
  min-height: 32px;
  border: 1px solid var(--pac-divider);
  background: transparent;
  color: var(--pac-text);
}
button:hover { background: color-mix(in srgb, var(--pac-text) 8%, transparent); }
button:focus-visible {
  outline: 2px solid var(--pac-accent);
  outline-offset: 2px;
}
button.cancel, button.yes { color: var(--pac-error); border-color: currentColor; }
button.yes:hover, button.cancel:hover {
  background: color-mix(in srgb, var(--pac-error) 12%, transparent);
}
.question { color: var(--pac-text); }
.pending { color: var(--pac-muted); font-style: italic; }
@container (max-width: 360px) {
  li {
    grid-template-columns: minmax(0, 1fr);
    grid-template-areas: "main" "bar" "times" "actions" "error";
  }
  .actions { justify-content: flex-start; }
  .header { padding: 12px 12px 6px; }
  li { padding: 8px 12px; }
}
@container (min-width: 640px) {
  .times { justify-content: flex-start; }
  .times .eta::before { content: "·"; margin-right: 12px; }
  .times .eta:empty::before { content: none; }
}
`;

export const editorStyles = `
:host { display: block; }
.field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 16px; }
label { font-size: 0.875rem; color: var(--secondary-text-color, #727272); }
input {
  font: inherit;
  padding: 8px;
  border-radius: 4px;
  border: 1px solid var(--divider-color, rgba(0, 0, 0, 0.24));
  background: var(--card-background-color, #fff);
  color: var(--primary-text-color, #212121);
}
input:focus-visible { outline: 2px solid var(--primary-color, #03a9f4); outline-offset: 1px; }
.hint { font-size: 0.8125rem; color: var(--secondary-text-color, #727272); }
`;
