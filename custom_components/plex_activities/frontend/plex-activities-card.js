/* plex-activities-card 0.1.0: built from frontend/ by scripts/build_card.sh; do not edit. MIT License */
var I={invalidConfig:"Invalid configuration",chooseSensor:"Choose the Activities sensor of a Plex server (entity: sensor.<server>_activities)",titleNotText:"title must be text",defaultTitle:"Plex activities",pickerName:"Plex activities",pickerDescription:"A Plex server's running activities with progress, time left and cancel (v{version}).",entityNotFound:"Entity not found: {entity}",unavailable:"The Plex server is unavailable.",idle:"Plex is idle: no activities running.",inProgress:"In progress",cancel:"Cancel",cancelLabel:"Cancel {title}",confirm:"Cancel?",yes:"Yes",yesLabel:"Yes, cancel {title}",no:"No",noLabel:"No, keep {title} running",cancelling:"Cancelling…",cancelFailed:"Could not cancel: {message}",elapsed:"{duration} elapsed",almostDone:"almost done",timeLeft:"about {duration} left",running:"{total} running",runningShown:"{total} running, {listed} shown",activity:"Activity",sensorLabel:"Activities sensor of the Plex server",titleLabel:"Title (optional; the sensor's name by default)"},H={en:I};function g(n){return n?.locale?.language??n?.language}function p(n,s,t={}){return((n?H[n]??H[n.split("-")[0]??""]:void 0)?.[s]??I[s]).replace(/\{(\w+)\}/g,(a,r)=>r in t?String(t[r]):a)}var y=n=>typeof n=="string"?n:"";function F(n){return typeof n!="number"||!Number.isFinite(n)?null:Math.min(100,Math.max(0,n))}function q(n){if(typeof n!="string"||n==="")return null;let s=Date.parse(n);return Number.isNaN(s)?null:s}function C(n){return n!==void 0&&Array.isArray(n.attributes.activities)}function N(n,s){let t=n?.attributes.activities;if(!Array.isArray(t))return[];let e=[],i=new Set;for(let a of t){if(typeof a!="object"||a===null)continue;let r=a,o=y(r.uuid);o===""||i.has(o)||(i.add(o),e.push({uuid:o,title:y(r.title)||y(r.activity_type)||p(s,"activity"),subtitle:y(r.subtitle),type:y(r.activity_type),progress:F(r.progress),cancellable:r.cancellable===!0,startedAt:q(r.started_at),entityId:y(r.entity_id)||null}))}return e}function P(n,s,t){let e=Number(n?.state),i=Number.isInteger(e)&&e>s?e:s;return i===0?"":i>s?p(t,"runningShown",{total:i,listed:s}):p(t,"running",{total:i})}function R(n){let s=Number.isFinite(n)&&n>0?Math.floor(n):0,t=Math.floor(s/86400),e=Math.floor(s%86400/3600),i=Math.floor(s%3600/60),a=s%60,r=o=>String(o).padStart(2,"0");return t>0?`${t}d ${e}h`:e>0?`${e}h ${r(i)}m`:i>0?`${i}m ${r(a)}s`:`${a}s`}function D(n,s){return n===null?null:Math.max(0,(s-n)/1e3)}var G=30,W=600*1e3,L=class{constructor(){this.samples=new Map}record(s,t,e){if(t===null){this.samples.delete(s);return}let i=this.samples.get(s);i===void 0&&(i=[],this.samples.set(s,i));let a=i[i.length-1];if(a!==void 0){if(t===a.progress)return;(t<a.progress||e<a.time)&&(i.length=0)}for(i.push({time:e,progress:t});i.length>2&&(i.length>G||e-i[0].time>W);)i.shift()}retain(s){let t=new Set(s);for(let e of[...this.samples.keys()])t.has(e)||this.samples.delete(e)}samplesOf(s){return[...this.samples.get(s)??[]]}rate(s){let t=this.samples.get(s);if(t===void 0||t.length<2)return null;let e=t[0],i=t[t.length-1],a=(i.time-e.time)/1e3;return a<=0?null:(i.progress-e.progress)/a}secondsLeft(s,t){let e=this.rate(s);if(e===null||e<=0)return null;let i=this.samples.get(s),a=i[i.length-1],r=a.time+(100-a.progress)/e*1e3;return Math.max(0,(r-t)/1e3)}get size(){return this.samples.size}};function z(n,s){return n===null?"":n<1?p(s,"almostDone"):p(s,"timeLeft",{duration:R(n)})}function $(n){return n===void 0?void 0:Object.keys(n).filter(t=>t.startsWith("sensor.")&&C(n[t])).sort()[0]}var K=`
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
`,j=`
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
`;var b="plex-activities-card",w="plex-activities-card-editor",X="plex_activities",U=3e4;function c(n,s,t){let e=document.createElement(n);return s&&(e.className=s),t!==void 0&&(e.textContent=t),e}function f(n,s){n.textContent!==s&&(n.textContent=s)}function A(n,s,t){t===null?n.hasAttribute(s)&&n.removeAttribute(s):n.getAttribute(s)!==t&&n.setAttribute(s,t)}var V=0,T=class extends HTMLElement{constructor(){super();this.now=()=>Date.now();this.tracker=new L;this.rows=new Map;this.lastAdmin=!1;this.root=this.attachShadow({mode:"open"});let t=c("style");t.textContent=K,this.card=document.createElement("ha-card"),customElements.get("ha-card")||this.card.classList.add("fallback");let e=c("div","header");this.nameEl=c("span","name"),this.nameEl.setAttribute("role","heading"),this.nameEl.setAttribute("aria-level","2"),this.countEl=c("span","count"),e.append(this.nameEl,this.countEl),this.statusEl=c("div","status"),this.statusEl.setAttribute("role","status"),this.list=c("ul"),this.list.setAttribute("role","list"),this.card.append(e,this.statusEl,this.list),this.root.append(t,this.card)}static getConfigElement(){return document.createElement(w)}static getStubConfig(t){return{type:`custom:${b}`,entity:$(t?.states)??""}}setConfig(t){if(typeof t!="object"||t===null)throw new Error(this.t("invalidConfig"));if(typeof t.entity!="string"||t.entity==="")throw new Error(this.t("chooseSensor"));if(t.title!==void 0&&typeof t.title!="string")throw new Error(this.t("titleNotText"));let e=this.config?.entity!==t.entity;this.config={...t},e&&(this.clearRows(),this.lastSummary=void 0,this.tracker.retain([])),this.render()}set hass(t){if(this._hass=t,this.config===void 0)return;let e=t.states[this.config.entity],i=t.user?.is_admin===!0;e===this.lastSummary&&i===this.lastAdmin&&!this.rowStatesChanged()||this.render()}get hass(){return this._hass}getCardSize(){return 1+Math.max(1,this.rows.size)*2}getGridOptions(){return{columns:12,min_columns:4,min_rows:2}}connectedCallback(){this.syncTimer()}disconnectedCallback(){this.stopTimer()}rowStatesChanged(){let t=this._hass?.states??{};for(let e of this.rows.values()){let i=e.activity.entityId;if(i!==null&&t[i]!==e.sensor)return!0}return!1}render(){let t=this.config,e=this._hass;if(t===void 0)return;let i=e?.states[t.entity],a=this.now(),r=i!==this.lastSummary;this.lastSummary=i,this.lastAdmin=e?.user?.is_admin===!0;let o=i?.attributes.friendly_name;f(this.nameEl,t.title??(typeof o=="string"&&o?o:this.t("defaultTitle")));let l=i===void 0?[]:N(i,g(e));if(r){for(let u of l)this.tracker.record(u.uuid,u.progress,a);this.tracker.retain(l.map(u=>u.uuid))}let d="",m=!1;e===void 0?d="":i===void 0?(d=this.t("entityNotFound",{entity:t.entity}),m=!0):i.state==="unavailable"?(d=this.t("unavailable"),m=!0):l.length===0&&(d=this.t("idle")),f(this.statusEl,d),this.statusEl.classList.toggle("warning",m),f(this.countEl,P(i,l.length,g(e)));let k=new Set(l.map(u=>u.uuid));for(let[u,v]of this.rows)k.has(u)||this.removeRow(u,v);l.forEach((u,v)=>{let h=this.rows.get(u.uuid);h===void 0&&(h=this.createRow(u),this.rows.set(u.uuid,h)),h.activity=u,this.updateRow(h);let x=this.list.children[v];x!==h.root&&this.list.insertBefore(h.root,x??null)}),this.tick(),this.syncTimer()}createRow(t){let e=`pac-${++V}`,i=c("li");i.dataset.uuid=t.uuid;let a=c("div","main"),r=c("div","title-line"),o=c("span","title");o.id=`${e}-title`;let l=c("span","percent");r.append(o,l);let d=c("div","meta");a.append(r,d);let m=c("div","bar");m.setAttribute("role","progressbar"),m.setAttribute("aria-valuemin","0"),m.setAttribute("aria-valuemax","100"),m.setAttribute("aria-labelledby",o.id);let k=c("div","fill");m.append(k);let u=c("div","times"),v=c("span","elapsed"),h=c("span","eta");u.append(v,h);let x=c("div","actions"),M=c("div","error");return M.setAttribute("role","alert"),i.append(a,m,u,x,M),{activity:t,root:i,title:o,percent:l,meta:d,bar:m,fill:k,elapsed:v,eta:h,actions:x,error:M,sensor:void 0,stage:"idle",actionsKey:"",pendingTimer:void 0}}updateRow(t){let{activity:e}=t,i=this._hass?.states??{},a=e.entityId===null?void 0:i[e.entityId];t.sensor=a,f(t.title,e.title);let r=a?.attributes.library,o=[e.subtitle];typeof r=="string"&&r&&r!==e.subtitle&&o.push(r),f(t.meta,o.filter(d=>d).join(" · "));let l=e.progress;if(l===null)f(t.percent,""),t.bar.classList.add("indeterminate"),A(t.bar,"aria-valuenow",null),A(t.bar,"aria-valuetext",this.t("inProgress")),t.fill.style.width="";else{let d=Math.round(l);f(t.percent,`${d}%`),t.bar.classList.remove("indeterminate"),A(t.bar,"aria-valuenow",String(d)),A(t.bar,"aria-valuetext",`${d}%`),t.fill.style.width=`${l}%`}this.renderActions(t,!1)}t(t,e){return p(g(this._hass),t,e)}canCancel(t){return t.cancellable&&t.entityId!==null&&this._hass?.user?.is_admin===!0}renderActions(t,e){if(!this.canCancel(t.activity)){t.stage="idle",t.actionsKey!=="none"&&(t.actions.replaceChildren(),t.actionsKey="none");return}let i=`${t.stage}|${t.activity.title}`;if(i===t.actionsKey)return;t.actionsKey=i;let a=t.activity.title;if(t.stage==="idle"){let r=c("button","cancel",this.t("cancel"));r.type="button",r.setAttribute("aria-label",this.t("cancelLabel",{title:a})),r.addEventListener("click",()=>{t.stage="confirm",f(t.error,""),this.renderActions(t,!0)}),t.actions.replaceChildren(r),e&&r.focus()}else if(t.stage==="confirm"){let r=c("span","confirm");r.setAttribute("role","group");let o=c("span","question",this.t("confirm"));o.id=`${t.title.id}-q`,r.setAttribute("aria-labelledby",`${o.id} ${t.title.id}`);let l=c("button","yes",this.t("yes"));l.type="button",l.setAttribute("aria-label",this.t("yesLabel",{title:a}));let d=c("button","no",this.t("no"));d.type="button",d.setAttribute("aria-label",this.t("noLabel",{title:a})),l.addEventListener("click",()=>this.confirmCancel(t)),d.addEventListener("click",()=>{t.stage="idle",this.renderActions(t,!0)}),r.addEventListener("keydown",m=>{m.key==="Escape"&&(m.stopPropagation(),t.stage="idle",this.renderActions(t,!0))}),r.append(o,l,d),t.actions.replaceChildren(r),e&&d.focus()}else{let r=c("span","pending",this.t("cancelling"));r.setAttribute("role","status"),t.actions.replaceChildren(r)}}confirmCancel(t){let e=this._hass,i=t.activity.entityId;e===void 0||i===null||(t.stage="pending",this.renderActions(t,!1),t.pendingTimer=setTimeout(()=>{t.pendingTimer=void 0,t.stage==="pending"&&(t.stage="idle",this.renderActions(t,!1))},U),e.callService(X,"cancel",{entity_id:i}).then(()=>{},a=>{clearTimeout(t.pendingTimer),t.pendingTimer=void 0;let r=a&&typeof a=="object"&&"message"in a?String(a.message):String(a);f(t.error,this.t("cancelFailed",{message:r})),t.stage="idle",this.renderActions(t,!1)}))}removeRow(t,e){clearTimeout(e.pendingTimer),e.root.remove(),this.rows.delete(t)}clearRows(){for(let[t,e]of this.rows)this.removeRow(t,e)}tick(){let t=this.now();for(let e of this.rows.values()){let i=D(e.activity.startedAt,t);f(e.elapsed,i===null?"":this.t("elapsed",{duration:R(i)}));let a=e.activity.progress===null?null:this.tracker.secondsLeft(e.activity.uuid,t);f(e.eta,z(a,g(this._hass)))}}syncTimer(){this.isConnected&&this.rows.size>0?this.timer===void 0&&(this.timer=setInterval(()=>this.tick(),1e3)):this.stopTimer()}stopTimer(){this.timer!==void 0&&(clearInterval(this.timer),this.timer=void 0)}get ticking(){return this.timer!==void 0}};var E="ha-entity-picker",O=!1;function Y(){if(O||customElements.get(E))return;O=!0;let n=window.loadCardHelpers;typeof n=="function"&&n().then(s=>s.createCardElement({type:"entities",entities:[]})).then(s=>s.constructor.getConfigElement?.()).catch(()=>{})}var S=class extends HTMLElement{constructor(){super();this.usesPicker=!1;this.root=this.attachShadow({mode:"open"})}setConfig(t){this.config={...t},this.sync()}set hass(t){this._hass=t,this.picker!==void 0&&this.usesPicker&&(this.picker.hass=t),this.fillSuggestions()}get hass(){return this._hass}connectedCallback(){this.picker===void 0&&this.build(),customElements.get(E)||(Y(),customElements.whenDefined(E).then(()=>{this.usesPicker||this.build()}))}build(){let t=document.createElement("style");t.textContent=j;let e=document.createElement("div");if(e.className="field",this.usesPicker=customElements.get(E)!==void 0,this.datalist=void 0,this.usesPicker){let o=document.createElement(E);o.label=p(g(this._hass),"sensorLabel"),o.required=!0,o.includeDomains=["sensor"],o.entityFilter=l=>C(l),this._hass!==void 0&&(o.hass=this._hass),o.addEventListener("value-changed",l=>{let d=l.detail?.value??"";this.update({entity:d})}),e.append(o),this.picker=o}else{let o=document.createElement("label");o.htmlFor="entity",o.textContent=p(g(this._hass),"sensorLabel");let l=document.createElement("input");l.id="entity",l.setAttribute("list","entities"),l.placeholder="sensor.my_plex_activities",l.autocomplete="off",l.addEventListener("change",()=>this.update({entity:l.value.trim()})),this.datalist=document.createElement("datalist"),this.datalist.id="entities",e.append(o,l,this.datalist),this.picker=l}let i=document.createElement("div");i.className="field";let a=document.createElement("label");a.htmlFor="title",a.textContent=p(g(this._hass),"titleLabel");let r=document.createElement("input");r.id="title",r.addEventListener("change",()=>this.update({title:r.value})),i.append(a,r),this.titleInput=r,this.root.replaceChildren(t,e,i),this.fillSuggestions(),this.sync()}fillSuggestions(){if(this.datalist===void 0||this._hass===void 0)return;let t=Object.keys(this._hass.states).filter(i=>i.startsWith("sensor.")&&C(this._hass?.states[i])).sort();[...this.datalist.querySelectorAll("option")].map(i=>i.getAttribute("value")).join(`
`)!==t.join(`
`)&&this.datalist.replaceChildren(...t.map(i=>{let a=document.createElement("option");return a.setAttribute("value",i),a}))}sync(){this.config!==void 0&&(this.picker!==void 0&&this.picker.value!==this.config.entity&&(this.picker.value=this.config.entity??""),this.titleInput!==void 0&&(this.titleInput.value=this.config.title??""))}update(t){let e={...this.config,...t};e.title||delete e.title,this.config=e,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:e},bubbles:!0,composed:!0}))}};customElements.get(w)||customElements.define(w,S);customElements.get(b)||customElements.define(b,T);var _=window;_.customCards=_.customCards??[];if(!_.customCards.some(n=>n.type===b)){let n=document.documentElement.lang||void 0;_.customCards.push({type:b,name:p(n,"pickerName"),description:p(n,"pickerDescription",{version:"0.1.0"}),preview:!0,documentationURL:"https://github.com/plex-activities/plex-activities"})}export{T as PlexActivitiesCard,S as PlexActivitiesCardEditor};
