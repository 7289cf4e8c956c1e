// <plex-activities-card>: a Plex server's running activities, live, with progress bars,
// elapsed time, a time-left estimate and (for administrators) a confirmed cancel.

import {
  type Activity,
  ProgressTracker,
  countLabel,
  elapsedSeconds,
  findActivitiesSensor,
  formatDuration,
  formatTimeLeft,
  readActivities,
  type StateLike,
} from "./logic";
import { languageOf, type TextKey, text } from "./strings";
import { cardStyles } from "./styles";
import type { CardConfig, HassLike } from "./types";

export const CARD_TAG = "plex-activities-card";
export const EDITOR_TAG = "plex-activities-card-editor";
export const DOMAIN = "plex_activities";

/** How long a sent cancel waits for the activity to vanish before offering it again. */
export const CANCEL_PENDING_MS = 30_000;

type CancelStage = "idle" | "confirm" | "pending";

interface Row {
  activity: Activity;
  root: HTMLLIElement;
  title: HTMLElement;
  percent: HTMLElement;
  meta: HTMLElement;
  bar: HTMLElement;
  fill: HTMLElement;
  elapsed: HTMLElement;
  eta: HTMLElement;
  actions: HTMLElement;
  error: HTMLElement;
  /** The activity's own sensor as last shown (its library). */
  sensor: StateLike | undefined;
  stage: CancelStage;
  /** What the actions area currently shows, to rebuild it only when that changes. */
  actionsKey: string;
  pendingTimer: ReturnType<typeof setTimeout> | undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

function setAttr(node: HTMLElement, name: string, value: string | null): void {
  if (value === null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
}

let idCounter = 0;

export class PlexActivitiesCard extends HTMLElement {
  /** The clock; tests replace it. */
  now: () => number = () => Date.now();

  private config: CardConfig | undefined;
  private _hass: HassLike | undefined;
  private readonly tracker = new ProgressTracker();
  private readonly rows = new Map<string, Row>();
  private lastSummary: StateLike | undefined;
  private lastAdmin = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly root: ShadowRoot;
  private readonly card: HTMLElement;
  private readonly nameEl: HTMLElement;
  private readonly countEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly list: HTMLUListElement;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    const style = el("style");
    style.textContent = cardStyles;
    this.card = document.createElement("ha-card");
    if (!customElements.get("ha-card")) this.card.classList.add("fallback");
    const header = el("div", "header");
    this.nameEl = el("span", "name");
    this.nameEl.setAttribute("role", "heading");
    this.nameEl.setAttribute("aria-level", "2");
    this.countEl = el("span", "count");
    header.append(this.nameEl, this.countEl);
    this.statusEl = el("div", "status");
    this.statusEl.setAttribute("role", "status");
    this.list = el("ul");
    this.list.setAttribute("role", "list");
    this.card.append(header, this.statusEl, this.list);
    this.root.append(style, this.card);
  }

  // --- Lovelace API -------------------------------------------------------------------

  static getConfigElement(): HTMLElement {
    return document.createElement(EDITOR_TAG);
  }

  static getStubConfig(hass?: HassLike): CardConfig {
    return {
      type: `custom:${CARD_TAG}`,
      entity: findActivitiesSensor(hass?.states) ?? "",
    };
  }

  setConfig(config: CardConfig): void {
    if (typeof config !== "object" || config === null) {
      throw new Error(this.t("invalidConfig"));
    }
    if (typeof config.entity !== "string" || config.entity === "") {
      throw new Error(this.t("chooseSensor"));
    }
    if (config.title !== undefined && typeof config.title !== "string") {
      throw new Error(this.t("titleNotText"));
    }
    const changedEntity = this.config?.entity !== config.entity;
    this.config = { ...config };
    if (changedEntity) {
      this.clearRows();
      this.lastSummary = undefined;
      this.tracker.retain([]);
    }
    this.render();
  }

  set hass(hass: HassLike) {
    this._hass = hass;
    if (this.config === undefined) return;
    const summary = hass.states[this.config.entity];
    const admin = hass.user?.is_admin === true;
    if (summary === this.lastSummary && admin === this.lastAdmin && !this.rowStatesChanged()) {
      return; // another entity changed: nothing to do
    }
    this.render();
  }

  get hass(): HassLike | undefined {
    return this._hass;
  }

  getCardSize(): number {
    return 1 + Math.max(1, this.rows.size) * 2;
  }

  getGridOptions(): Record<string, number> {
    return { columns: 12, min_columns: 4, min_rows: 2 };
  }

  connectedCallback(): void {
    this.syncTimer();
  }

  disconnectedCallback(): void {
    this.stopTimer();
  }

  // --- Rendering ----------------------------------------------------------------------

  /** Whether any activity sensor shown in a row changed (its library, say). */
  private rowStatesChanged(): boolean {
    const states = this._hass?.states ?? {};
    for (const row of this.rows.values()) {
      const id = row.activity.entityId;
      if (id !== null && states[id] !== row.sensor) {
        return true;
      }
    }
    return false;
  }

  private render(): void {
    const config = this.config;
    const hass = this._hass;
    if (config === undefined) return;
    const summary = hass?.states[config.entity];
    const now = this.now();
    const summaryChanged = summary !== this.lastSummary;
    this.lastSummary = summary;
    this.lastAdmin = hass?.user?.is_admin === true;

    const friendly = summary?.attributes.friendly_name;
    setText(
      this.nameEl,
      config.title ?? (typeof friendly === "string" && friendly ? friendly : this.t("defaultTitle")),
    );

    const activities =
      summary === undefined ? [] : readActivities(summary, languageOf(hass));
    if (summaryChanged) {
      for (const activity of activities) {
        this.tracker.record(activity.uuid, activity.progress, now);
      }
      this.tracker.retain(activities.map((a) => a.uuid));
    }

    let status = "";
    let warning = false;
    if (hass === undefined) {
      status = "";
    } else if (summary === undefined) {
      status = this.t("entityNotFound", { entity: config.entity });
      warning = true;
    } else if (summary.state === "unavailable") {
      status = this.t("unavailable");
      warning = true;
    } else if (activities.length === 0) {
      status = this.t("idle");
    }
    setText(this.statusEl, status);
    this.statusEl.classList.toggle("warning", warning);
    setText(this.countEl, countLabel(summary, activities.length, languageOf(hass)));

    const keep = new Set(activities.map((a) => a.uuid));
    for (const [uuid, row] of this.rows) {
      if (!keep.has(uuid)) this.removeRow(uuid, row);
    }
    activities.forEach((activity, index) => {
      let row = this.rows.get(activity.uuid);
      if (row === undefined) {
        row = this.createRow(activity);
        this.rows.set(activity.uuid, row);
      }
      row.activity = activity;
      this.updateRow(row);
      const at = this.list.children[index];
      if (at !== row.root) this.list.insertBefore(row.root, at ?? null);
    });
    this.tick();
    this.syncTimer();
  }

  private createRow(activity: Activity): Row {
    const id = `pac-${++idCounter}`;
    const root = el("li");
    root.dataset.uuid = activity.uuid;
    const main = el("div", "main");
    const titleLine = el("div", "title-line");
    const title = el("span", "title");
    title.id = `${id}-title`;
    const percent = el("span", "percent");
    titleLine.append(title, percent);
    const meta = el("div", "meta");
    main.append(titleLine, meta);
    const bar = el("div", "bar");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-labelledby", title.id);
    const fill = el("div", "fill");
    bar.append(fill);
    const times = el("div", "times");
    const elapsed = el("span", "elapsed");
    const eta = el("span", "eta");
    times.append(elapsed, eta);
    const actions = el("div", "actions");
    const error = el("div", "error");
    error.setAttribute("role", "alert");
    root.append(main, bar, times, actions, error);
    return {
      activity,
      root,
      title,
      percent,
      meta,
      bar,
      fill,
      elapsed,
      eta,
      actions,
      error,
      sensor: undefined,
      stage: "idle",
      actionsKey: "",
      pendingTimer: undefined,
    };
  }

  private updateRow(row: Row): void {
    const { activity } = row;
    const states = this._hass?.states ?? {};
    const sensor = activity.entityId === null ? undefined : states[activity.entityId];
    row.sensor = sensor;

    setText(row.title, activity.title);
    const library = sensor?.attributes.library;
    const meta = [activity.subtitle];
    if (typeof library === "string" && library && library !== activity.subtitle) {
      meta.push(library);
    }
    setText(row.meta, meta.filter((part) => part).join(" · "));

    const progress = activity.progress;
    if (progress === null) {
      setText(row.percent, "");
      row.bar.classList.add("indeterminate");
      setAttr(row.bar, "aria-valuenow", null);
      setAttr(row.bar, "aria-valuetext", this.t("inProgress"));
      row.fill.style.width = "";
    } else {
      const rounded = Math.round(progress);
      setText(row.percent, `${rounded}%`);
      row.bar.classList.remove("indeterminate");
      setAttr(row.bar, "aria-valuenow", String(rounded));
      setAttr(row.bar, "aria-valuetext", `${rounded}%`);
      row.fill.style.width = `${progress}%`;
    }
    this.renderActions(row, false);
  }

  /** A text of the card in the user's language. */
  private t(key: TextKey, values?: Readonly<Record<string, string | number>>): string {
    return text(languageOf(this._hass), key, values);
  }

  private canCancel(activity: Activity): boolean {
    return (
      activity.cancellable &&
      activity.entityId !== null &&
      this._hass?.user?.is_admin === true
    );
  }

  /** Show the cancel button, the inline confirmation, or the pending note. */
  private renderActions(row: Row, moveFocus: boolean): void {
    if (!this.canCancel(row.activity)) {
      row.stage = "idle";
      if (row.actionsKey !== "none") {
        row.actions.replaceChildren();
        row.actionsKey = "none";
      }
      return;
    }
    const key = `${row.stage}|${row.activity.title}`;
    if (key === row.actionsKey) return;
    row.actionsKey = key;
    const title = row.activity.title;
    if (row.stage === "idle") {
      const cancel = el("button", "cancel", this.t("cancel"));
      cancel.type = "button";
      cancel.setAttribute("aria-label", this.t("cancelLabel", { title }));
      cancel.addEventListener("click", () => {
        row.stage = "confirm";
        setText(row.error, "");
        this.renderActions(row, true);
      });
      row.actions.replaceChildren(cancel);
      if (moveFocus) cancel.focus();
    } else if (row.stage === "confirm") {
      const group = el("span", "confirm");
      group.setAttribute("role", "group");
      const question = el("span", "question", this.t("confirm"));
      question.id = `${row.title.id}-q`;
      group.setAttribute("aria-labelledby", `${question.id} ${row.title.id}`);
      const yes = el("button", "yes", this.t("yes"));
      yes.type = "button";
      yes.setAttribute("aria-label", this.t("yesLabel", { title }));
      const no = el("button", "no", this.t("no"));
      no.type = "button";
      no.setAttribute("aria-label", this.t("noLabel", { title }));
      yes.addEventListener("click", () => this.confirmCancel(row));
      no.addEventListener("click", () => {
        row.stage = "idle";
        this.renderActions(row, true);
      });
      group.addEventListener("keydown", (event: KeyboardEvent) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          row.stage = "idle";
          this.renderActions(row, true);
        }
      });
      group.append(question, yes, no);
      row.actions.replaceChildren(group);
      if (moveFocus) no.focus();
    } else {
      const pending = el("span", "pending", this.t("cancelling"));
      pending.setAttribute("role", "status");
      row.actions.replaceChildren(pending);
    }
  }

  private confirmCancel(row: Row): void {
    const hass = this._hass;
    const entityId = row.activity.entityId;
    if (hass === undefined || entityId === null) return;
    row.stage = "pending";
    this.renderActions(row, false);
    row.pendingTimer = setTimeout(() => {
      row.pendingTimer = undefined;
      if (row.stage === "pending") {
        row.stage = "idle";
        this.renderActions(row, false);
      }
    }, CANCEL_PENDING_MS);
    hass.callService(DOMAIN, "cancel", { entity_id: entityId }).then(
      () => undefined,
      (err: unknown) => {
        clearTimeout(row.pendingTimer);
        row.pendingTimer = undefined;
        const message =
          err && typeof err === "object" && "message" in err
            ? String((err as { message: unknown }).message)
            : String(err);
        setText(row.error, this.t("cancelFailed", { message }));
        row.stage = "idle";
        this.renderActions(row, false);
      },
    );
  }

  private removeRow(uuid: string, row: Row): void {
    clearTimeout(row.pendingTimer);
    row.root.remove();
    this.rows.delete(uuid);
  }

  private clearRows(): void {
    for (const [uuid, row] of this.rows) this.removeRow(uuid, row);
  }

  // --- The one-second tick: elapsed time and time left -------------------------------

  /** Refresh the elapsed and time-left texts of every row. */
  tick(): void {
    const now = this.now();
    for (const row of this.rows.values()) {
      const elapsed = elapsedSeconds(row.activity.startedAt, now);
      setText(
        row.elapsed,
        elapsed === null ? "" : this.t("elapsed", { duration: formatDuration(elapsed) }),
      );
      const left =
        row.activity.progress === null ? null : this.tracker.secondsLeft(row.activity.uuid, now);
      setText(row.eta, formatTimeLeft(left, languageOf(this._hass)));
    }
  }

  private syncTimer(): void {
    if (this.isConnected && this.rows.size > 0) {
      if (this.timer === undefined) this.timer = setInterval(() => this.tick(), 1000);
    } else {
      this.stopTimer();
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Whether the one-second timer runs (for tests). */
  get ticking(): boolean {
    return this.timer !== undefined;
  }
}
