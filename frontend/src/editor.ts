// <plex-activities-card-editor>: the visual editor. Home Assistant's entity picker when
// the frontend has it, a plain text input with suggestions otherwise.

import { isActivitiesSensor, type StateLike } from "./logic";
import { languageOf, text } from "./strings";
import { editorStyles } from "./styles";
import type { CardConfig, HassLike } from "./types";

const PICKER_TAG = "ha-entity-picker";

type Picker = HTMLElement & {
  hass?: HassLike;
  value?: string;
  label?: string;
  required?: boolean;
  includeDomains?: string[];
  entityFilter?: (stateObj: StateLike) => boolean;
};

let helpersRequested = false;

/** Ask Home Assistant to load its entity picker (it is loaded lazily, with editors). */
function requestPicker(): void {
  if (helpersRequested || customElements.get(PICKER_TAG)) return;
  helpersRequested = true;
  const load = (window as unknown as { loadCardHelpers?: () => Promise<unknown> })
    .loadCardHelpers;
  if (typeof load !== "function") return;
  void load()
    .then((helpers) =>
      (helpers as { createCardElement(c: object): HTMLElement }).createCardElement({
        type: "entities",
        entities: [],
      }),
    )
    .then((card) =>
      (card.constructor as unknown as { getConfigElement?: () => unknown })
        .getConfigElement?.(),
    )
    .catch(() => undefined);
}

export class PlexActivitiesCardEditor extends HTMLElement {
  private config: CardConfig | undefined;
  private _hass: HassLike | undefined;
  private picker: Picker | HTMLInputElement | undefined;
  private datalist: HTMLDataListElement | undefined;
  private titleInput: HTMLInputElement | undefined;
  private usesPicker = false;
  private readonly root: ShadowRoot;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
  }

  setConfig(config: CardConfig): void {
    this.config = { ...config };
    this.sync();
  }

  set hass(hass: HassLike) {
    this._hass = hass;
    if (this.picker !== undefined && this.usesPicker) (this.picker as Picker).hass = hass;
    this.fillSuggestions();
  }

  get hass(): HassLike | undefined {
    return this._hass;
  }

  connectedCallback(): void {
    if (this.picker === undefined) this.build();
    if (!customElements.get(PICKER_TAG)) {
      requestPicker();
      void customElements.whenDefined(PICKER_TAG).then(() => {
        if (!this.usesPicker) this.build();
      });
    }
  }

  private build(): void {
    const style = document.createElement("style");
    style.textContent = editorStyles;
    const entityField = document.createElement("div");
    entityField.className = "field";
    this.usesPicker = customElements.get(PICKER_TAG) !== undefined;
    this.datalist = undefined;
    if (this.usesPicker) {
      const picker = document.createElement(PICKER_TAG) as Picker;
      picker.label = text(languageOf(this._hass), "sensorLabel");
      picker.required = true;
      picker.includeDomains = ["sensor"];
      picker.entityFilter = (stateObj) => isActivitiesSensor(stateObj);
      if (this._hass !== undefined) picker.hass = this._hass;
      picker.addEventListener("value-changed", (event) => {
        const value = (event as CustomEvent<{ value?: string }>).detail?.value ?? "";
        this.update({ entity: value });
      });
      entityField.append(picker);
      this.picker = picker;
    } else {
      const label = document.createElement("label");
      label.htmlFor = "entity";
      label.textContent = text(languageOf(this._hass), "sensorLabel");
      const input = document.createElement("input");
      input.id = "entity";
      input.setAttribute("list", "entities");
      input.placeholder = "sensor.my_plex_activities";
      input.autocomplete = "off";
      input.addEventListener("change", () => this.update({ entity: input.value.trim() }));
      this.datalist = document.createElement("datalist");
      this.datalist.id = "entities";
      entityField.append(label, input, this.datalist);
      this.picker = input;
    }
    const titleField = document.createElement("div");
    titleField.className = "field";
    const titleLabel = document.createElement("label");
    titleLabel.htmlFor = "title";
    titleLabel.textContent = text(languageOf(this._hass), "titleLabel");
    const titleInput = document.createElement("input");
    titleInput.id = "title";
    titleInput.addEventListener("change", () => this.update({ title: titleInput.value }));
    titleField.append(titleLabel, titleInput);
    this.titleInput = titleInput;
    this.root.replaceChildren(style, entityField, titleField);
    this.fillSuggestions();
    this.sync();
  }

  /** Offer the summary sensors as suggestions of the plain input. */
  private fillSuggestions(): void {
    if (this.datalist === undefined || this._hass === undefined) return;
    const ids = Object.keys(this._hass.states)
      .filter((id) => id.startsWith("sensor.") && isActivitiesSensor(this._hass?.states[id]))
      .sort();
    const current = [...this.datalist.querySelectorAll("option")].map((o) =>
      o.getAttribute("value"),
    );
    if (current.join("\n") === ids.join("\n")) return;
    this.datalist.replaceChildren(
      ...ids.map((id) => {
        const option = document.createElement("option");
        option.setAttribute("value", id);
        return option;
      }),
    );
  }

  /** Show the configuration in the fields. */
  private sync(): void {
    if (this.config === undefined) return;
    if (this.picker !== undefined && this.picker.value !== this.config.entity) {
      this.picker.value = this.config.entity ?? "";
    }
    if (this.titleInput !== undefined) this.titleInput.value = this.config.title ?? "";
  }

  private update(change: Partial<CardConfig>): void {
    const config: CardConfig = { ...(this.config as CardConfig), ...change };
    if (!config.title) delete config.title;
    this.config = config;
    this.dispatchEvent(
      new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }),
    );
  }
}
