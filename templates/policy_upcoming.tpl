{{%AUTOESCAPE context="HTML"}}
<section class="panel" aria-labelledby="upcoming-title" id="upcoming">
  <h2 id="upcoming-title">What the policy erases in the next 30 days</h2>
  {{#NO_POLICY}}<p class="empty">No policy is set: nothing is erased by itself.</p>{{/NO_POLICY}}
  {{#UPCOMING}}
  <p>{{UPCOMING_COUNT}} customers fall due in the next 30 days or are due already and wait for the next daily run{{#UPCOMING_MORE}} (the first {{SHOWN}} below){{/UPCOMING_MORE}}; a legal hold or an open payment keeps a customer back.</p>
  {{#HAS_ROWS}}
  <table class="list"><thead><tr><th scope="col">Customer</th><th scope="col">Name</th><th scope="col">Deactivated</th><th scope="col">Falls due</th></tr></thead>
  <tbody>{{#DUE}}<tr><td data-label="Customer"><a href="/customers/{{DUE_ID}}"><code>{{DUE_ID}}</code></a></td><td data-label="Name">{{DUE_NAME}}</td><td data-label="Deactivated">{{DUE_DEACTIVATED}}</td><td data-label="Falls due">{{DUE_ON}}</td></tr>{{/DUE}}</tbody></table>
  {{/HAS_ROWS}}
  {{/UPCOMING}}
</section>
