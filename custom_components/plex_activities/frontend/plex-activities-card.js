/* plex-activities-card 0.1.0: built from frontend/ by scripts/build_card.sh; do not edit. MIT License */
var g=n=>typeof n=="string"?n:"";function D(n){return typeof n!="number"||!Number.isFinite(n)?null:Math.min(100,Math.max(0,n))}function j(n){if(typeof n!="string"||n==="")return null;let r=Date.parse(n);return Number.isNaN(r)?null:r}function k(n){return n!==void 0&&Array.isArray(n.attributes.activities)}function M(n){let r=n?.attributes.activities;if(!Array.isArray(r))return[];let t=[],e=new Set;for(let i of r){if(typeof i!="object"||i===null)continue;let s=i,a=g(s.uuid);a===""||e.has(a)||(e.add(a),t.push({uuid:a,title:g(s.title)||g(s.activity_type)||"Activity",subtitle:g(s.subtitle),type:g(s.activity_type),progress:D(s.progress),cancellable:s.cancellable===!0,startedAt:j(s.started_at),entityId:g(s.entity_id)||null}))}return t}function H(n,r){let t=Number(n?.state),e=Number.isInteger(t)&&t>r?t:r;return e===0?"":e>r?`${e} running, ${r} shown`:`${e} running`}function _(n){let r=Number.isFinite(n)&&n>0?Math.floor(n):0,t=Math.floor(r/86400),e=Math.floor(r%86400/3600),i=Math.floor(r%3600/60),s=r%60,a=l=>String(l).padStart(2,"0");return t>0?`${t}d ${e}h`:e>0?`${e}h ${a(i)}m`:i>0?`${i}m ${a(s)}s`:`${s}s`}function R(n,r){return n===null?null:Math.max(0,(r-n)/1e3)}var K=30,O=600*1e3,E=class{constructor(){this.samples=new Map}record(r,t,e){if(t===null){this.samples.delete(r);return}let i=this.samples.get(r);i===void 0&&(i=[],this.samples.set(r,i));let s=i[i.length-1];if(s!==void 0){if(t===s.progress)return;(t<s.progress||e<s.time)&&(i.length=0)}for(i.push({time:e,progress:t});i.length>2&&(i.length>K||e-i[0].time>O);)i.shift()}retain(r){let t=new Set(r);for(let e of[...this.samples.keys()])t.has(e)||this.samples.delete(e)}samplesOf(r){return[...this.samples.get(r)??[]]}rate(r){let t=this.samples.get(r);if(t===void 0||t.length<2)return null;let e=t[0],i=t[t.length-1],s=(i.time-e.time)/1e3;return s<=0?null:(i.progress-e.progress)/s}secondsLeft(r,t){let e=this.rate(r);if(e===null||e<=0)return null;let i=this.samples.get(r),s=i[i.length-1],a=s.time+(100-s.progress)/e*1e3;return Math.max(0,(a-t)/1e3)}get size(){return this.samples.size}};function I(n){return n===null?"":n<1?"almost done":`about ${_(n)} left`}function $(n){return n===void 0?void 0:Object.keys(n).filter(t=>t.startsWith("sensor.")&&k(n[t])).sort()[0]}var P=`
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
`,N=`
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
`;var v="plex-activities-card",A="plex-activities-card-editor",q="plex_activities",F=3e4;function c(n,r,t){let e=document.createElement(n);return r&&(e.className=r),t!==void 0&&(e.textContent=t),e}function m(n,r){n.textContent!==r&&(n.textContent=r)}function C(n,r,t){t===null?n.hasAttribute(r)&&n.removeAttribute(r):n.getAttribute(r)!==t&&n.setAttribute(r,t)}var G=0,L=class extends HTMLElement{constructor(){super();this.now=()=>Date.now();this.tracker=new E;this.rows=new Map;this.lastAdmin=!1;this.root=this.attachShadow({mode:"open"});let t=c("style");t.textContent=P,this.card=document.createElement("ha-card"),customElements.get("ha-card")||this.card.classList.add("fallback");let e=c("div","header");this.nameEl=c("span","name"),this.nameEl.setAttribute("role","heading"),this.nameEl.setAttribute("aria-level","2"),this.countEl=c("span","count"),e.append(this.nameEl,this.countEl),this.statusEl=c("div","status"),this.statusEl.setAttribute("role","status"),this.list=c("ul"),this.list.setAttribute("role","list"),this.card.append(e,this.statusEl,this.list),this.root.append(t,this.card)}static getConfigElement(){return document.createElement(A)}static getStubConfig(t){return{type:`custom:${v}`,entity:$(t?.states)??""}}setConfig(t){if(typeof t!="object"||t===null)throw new Error("Invalid configuration");if(typeof t.entity!="string"||t.entity==="")throw new Error("Choose the Activities sensor of a Plex server (entity: sensor.<server>_activities)");if(t.title!==void 0&&typeof t.title!="string")throw new Error("title must be text");let e=this.config?.entity!==t.entity;this.config={...t},e&&(this.clearRows(),this.lastSummary=void 0,this.tracker.retain([])),this.render()}set hass(t){if(this._hass=t,this.config===void 0)return;let e=t.states[this.config.entity],i=t.user?.is_admin===!0;e===this.lastSummary&&i===this.lastAdmin&&!this.rowStatesChanged()||this.render()}get hass(){return this._hass}getCardSize(){return 1+Math.max(1,this.rows.size)*2}getGridOptions(){return{columns:12,min_columns:4,min_rows:2}}connectedCallback(){this.syncTimer()}disconnectedCallback(){this.stopTimer()}rowStatesChanged(){let t=this._hass?.states??{};for(let e of this.rows.values()){let i=e.activity.entityId;if(i!==null&&t[i]!==e.sensor)return!0}return!1}render(){let t=this.config,e=this._hass;if(t===void 0)return;let i=e?.states[t.entity],s=this.now(),a=i!==this.lastSummary;this.lastSummary=i,this.lastAdmin=e?.user?.is_admin===!0;let l=i?.attributes.friendly_name;m(this.nameEl,t.title??(typeof l=="string"&&l?l:"Plex activities"));let o=i===void 0?[]:M(i);if(a){for(let u of o)this.tracker.record(u.uuid,u.progress,s);this.tracker.retain(o.map(u=>u.uuid))}let d="",p=!1;e===void 0?d="":i===void 0?(d=`Entity not found: ${t.entity}`,p=!0):i.state==="unavailable"?(d="The Plex server is unavailable.",p=!0):o.length===0&&(d="Plex is idle: no activities running."),m(this.statusEl,d),this.statusEl.classList.toggle("warning",p),m(this.countEl,H(i,o.length));let x=new Set(o.map(u=>u.uuid));for(let[u,h]of this.rows)x.has(u)||this.removeRow(u,h);o.forEach((u,h)=>{let f=this.rows.get(u.uuid);f===void 0&&(f=this.createRow(u),this.rows.set(u.uuid,f)),f.activity=u,this.updateRow(f);let y=this.list.children[h];y!==f.root&&this.list.insertBefore(f.root,y??null)}),this.tick(),this.syncTimer()}createRow(t){let e=`pac-${++G}`,i=c("li");i.dataset.uuid=t.uuid;let s=c("div","main"),a=c("div","title-line"),l=c("span","title");l.id=`${e}-title`;let o=c("span","percent");a.append(l,o);let d=c("div","meta");s.append(a,d);let p=c("div","bar");p.setAttribute("role","progressbar"),p.setAttribute("aria-valuemin","0"),p.setAttribute("aria-valuemax","100"),p.setAttribute("aria-labelledby",l.id);let x=c("div","fill");p.append(x);let u=c("div","times"),h=c("span","elapsed"),f=c("span","eta");u.append(h,f);let y=c("div","actions"),S=c("div","error");return S.setAttribute("role","alert"),i.append(s,p,u,y,S),{activity:t,root:i,title:l,percent:o,meta:d,bar:p,fill:x,elapsed:h,eta:f,actions:y,error:S,sensor:void 0,stage:"idle",actionsKey:"",pendingTimer:void 0}}updateRow(t){let{activity:e}=t,i=this._hass?.states??{},s=e.entityId===null?void 0:i[e.entityId];t.sensor=s,m(t.title,e.title);let a=s?.attributes.library,l=[e.subtitle];typeof a=="string"&&a&&a!==e.subtitle&&l.push(a),m(t.meta,l.filter(d=>d).join(" · "));let o=e.progress;if(o===null)m(t.percent,""),t.bar.classList.add("indeterminate"),C(t.bar,"aria-valuenow",null),C(t.bar,"aria-valuetext","In progress"),t.fill.style.width="";else{let d=Math.round(o);m(t.percent,`${d}%`),t.bar.classList.remove("indeterminate"),C(t.bar,"aria-valuenow",String(d)),C(t.bar,"aria-valuetext",`${d}%`),t.fill.style.width=`${o}%`}this.renderActions(t,!1)}canCancel(t){return t.cancellable&&t.entityId!==null&&this._hass?.user?.is_admin===!0}renderActions(t,e){if(!this.canCancel(t.activity)){t.stage="idle",t.actionsKey!=="none"&&(t.actions.replaceChildren(),t.actionsKey="none");return}let i=`${t.stage}|${t.activity.title}`;if(i===t.actionsKey)return;t.actionsKey=i;let s=t.activity.title;if(t.stage==="idle"){let a=c("button","cancel","Cancel");a.type="button",a.setAttribute("aria-label",`Cancel ${s}`),a.addEventListener("click",()=>{t.stage="confirm",m(t.error,""),this.renderActions(t,!0)}),t.actions.replaceChildren(a),e&&a.focus()}else if(t.stage==="confirm"){let a=c("span","confirm");a.setAttribute("role","group");let l=c("span","question","Cancel?");l.id=`${t.title.id}-q`,a.setAttribute("aria-labelledby",`${l.id} ${t.title.id}`);let o=c("button","yes","Yes");o.type="button",o.setAttribute("aria-label",`Yes, cancel ${s}`);let d=c("button","no","No");d.type="button",d.setAttribute("aria-label",`No, keep ${s} running`),o.addEventListener("click",()=>this.confirmCancel(t)),d.addEventListener("click",()=>{t.stage="idle",this.renderActions(t,!0)}),a.addEventListener("keydown",p=>{p.key==="Escape"&&(p.stopPropagation(),t.stage="idle",this.renderActions(t,!0))}),a.append(l,o,d),t.actions.replaceChildren(a),e&&d.focus()}else{let a=c("span","pending","Cancelling…");a.setAttribute("role","status"),t.actions.replaceChildren(a)}}confirmCancel(t){let e=this._hass,i=t.activity.entityId;e===void 0||i===null||(t.stage="pending",this.renderActions(t,!1),t.pendingTimer=setTimeout(()=>{t.pendingTimer=void 0,t.stage==="pending"&&(t.stage="idle",this.renderActions(t,!1))},F),e.callService(q,"cancel",{entity_id:i}).then(()=>{},s=>{clearTimeout(t.pendingTimer),t.pendingTimer=void 0;let a=s&&typeof s=="object"&&"message"in s?String(s.message):String(s);m(t.error,`Could not cancel: ${a}`),t.stage="idle",this.renderActions(t,!1)}))}removeRow(t,e){clearTimeout(e.pendingTimer),e.root.remove(),this.rows.delete(t)}clearRows(){for(let[t,e]of this.rows)this.removeRow(t,e)}tick(){let t=this.now();for(let e of this.rows.values()){let i=R(e.activity.startedAt,t);m(e.elapsed,i===null?"":`${_(i)} elapsed`);let s=e.activity.progress===null?null:this.tracker.secondsLeft(e.activity.uuid,t);m(e.eta,I(s))}}syncTimer(){this.isConnected&&this.rows.size>0?this.timer===void 0&&(this.timer=setInterval(()=>this.tick(),1e3)):this.stopTimer()}stopTimer(){this.timer!==void 0&&(clearInterval(this.timer),this.timer=void 0)}get ticking(){return this.timer!==void 0}};var b="ha-entity-picker",z=!1;function W(){if(z||customElements.get(b))return;z=!0;let n=window.loadCardHelpers;typeof n=="function"&&n().then(r=>r.createCardElement({type:"entities",entities:[]})).then(r=>r.constructor.getConfigElement?.()).catch(()=>{})}var w=class extends HTMLElement{constructor(){super();this.usesPicker=!1;this.root=this.attachShadow({mode:"open"})}setConfig(t){this.config={...t},this.sync()}set hass(t){this._hass=t,this.picker!==void 0&&this.usesPicker&&(this.picker.hass=t),this.fillSuggestions()}get hass(){return this._hass}connectedCallback(){this.picker===void 0&&this.build(),customElements.get(b)||(W(),customElements.whenDefined(b).then(()=>{this.usesPicker||this.build()}))}build(){let t=document.createElement("style");t.textContent=N;let e=document.createElement("div");if(e.className="field",this.usesPicker=customElements.get(b)!==void 0,this.datalist=void 0,this.usesPicker){let l=document.createElement(b);l.label="Activities sensor of the Plex server",l.required=!0,l.includeDomains=["sensor"],l.entityFilter=o=>k(o),this._hass!==void 0&&(l.hass=this._hass),l.addEventListener("value-changed",o=>{let d=o.detail?.value??"";this.update({entity:d})}),e.append(l),this.picker=l}else{let l=document.createElement("label");l.htmlFor="entity",l.textContent="Activities sensor of the Plex server";let o=document.createElement("input");o.id="entity",o.setAttribute("list","entities"),o.placeholder="sensor.my_plex_activities",o.autocomplete="off",o.addEventListener("change",()=>this.update({entity:o.value.trim()})),this.datalist=document.createElement("datalist"),this.datalist.id="entities",e.append(l,o,this.datalist),this.picker=o}let i=document.createElement("div");i.className="field";let s=document.createElement("label");s.htmlFor="title",s.textContent="Title (optional; the sensor's name by default)";let a=document.createElement("input");a.id="title",a.addEventListener("change",()=>this.update({title:a.value})),i.append(s,a),this.titleInput=a,this.root.replaceChildren(t,e,i),this.fillSuggestions(),this.sync()}fillSuggestions(){if(this.datalist===void 0||this._hass===void 0)return;let t=Object.keys(this._hass.states).filter(i=>i.startsWith("sensor.")&&k(this._hass?.states[i])).sort();[...this.datalist.querySelectorAll("option")].map(i=>i.getAttribute("value")).join(`
`)!==t.join(`
`)&&this.datalist.replaceChildren(...t.map(i=>{let s=document.createElement("option");return s.setAttribute("value",i),s}))}sync(){this.config!==void 0&&(this.picker!==void 0&&this.picker.value!==this.config.entity&&(this.picker.value=this.config.entity??""),this.titleInput!==void 0&&(this.titleInput.value=this.config.title??""))}update(t){let e={...this.config,...t};e.title||delete e.title,this.config=e,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:e},bubbles:!0,composed:!0}))}};customElements.get(A)||customElements.define(A,w);customElements.get(v)||customElements.define(v,L);var T=window;T.customCards=T.customCards??[];T.customCards.some(n=>n.type===v)||T.customCards.push({type:v,name:"Plex activities",description:"A Plex server's running activities with progress, time left and cancel (v0.1.0).",preview:!0,documentationURL:"https://github.com/plex-activities/plex-activities"});export{L as PlexActivitiesCard,w as PlexActivitiesCardEditor};
