{{%AUTOESCAPE context="HTML"}}
<figure class="chart" id="{{CHART_ID}}">
  <svg viewBox="0 0 {{W}} {{H}}" class="chart-svg" role="img" aria-labelledby="{{CHART_ID}}-title {{CHART_ID}}-desc" focusable="false">
    <title id="{{CHART_ID}}-title">{{TITLE}}</title>
    <desc id="{{CHART_ID}}-desc">{{DESC}}</desc>
    {{#RECT}}<rect x="{{X}}" y="{{Y}}" width="{{RW}}" height="{{RH}}" class="seg seg-{{KEY}}"><title>{{TIP}}</title></rect>{{/RECT}}
    <line x1="{{AX0}}" y1="{{AY}}" x2="{{AX1}}" y2="{{AY}}" class="chart-axis"></line>
    {{#LABEL}}<text x="{{X}}" y="{{Y}}" class="chart-label" text-anchor="{{ANCHOR}}">{{TEXT}}</text>{{/LABEL}}
  </svg>
  {{#LEGEND}}<ul class="legend">{{#KEY_ITEM}}<li><span class="swatch seg-{{KEY}}" aria-hidden="true"></span> {{KEY_LABEL}}</li>{{/KEY_ITEM}}</ul>{{/LEGEND}}
  <figcaption>{{CAPTION}}</figcaption>
</figure>
