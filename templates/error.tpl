{{%AUTOESCAPE context="HTML"}}
<section class="error-page" aria-labelledby="err-title">
  <h1 id="err-title">{{STATUS}} {{REASON}}</h1>
  <p class="error-code"><code>{{CODE}}</code></p>
  <p>{{MESSAGE}}</p>
  <p><a href="/customers">Back to the customer list</a></p>
</section>
