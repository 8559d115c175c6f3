{{%AUTOESCAPE context="HTML"}}
<h1>Customers</h1>
<form class="filters" method="get" action="/customers" role="search">
  <div class="field">
    <label for="q">Search</label>
    <input id="q" name="q" type="search" value="{{Q}}" maxlength="100" placeholder="E-mail, name or company (beginning)">
  </div>
  <div class="field">
    <label for="status">Status</label>
    <select id="status" name="status">{{#STATUS_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/STATUS_OPTION}}</select>
  </div>
  <div class="field">
    <label for="type">Type</label>
    <select id="type" name="type">{{#TYPE_OPTION}}<option value="{{OPTION_VALUE}}" {{#OPTION_SELECTED}}selected{{/OPTION_SELECTED}}>{{OPTION_LABEL}}</option>{{/TYPE_OPTION}}</select>
  </div>
  <input type="hidden" name="sort" value="{{SORT_VALUE}}">
  <input type="hidden" name="dir" value="{{DIR_VALUE}}">
  <button type="submit">Apply</button>
  <a class="button secondary" href="{{CSV_URL}}" download>Download CSV</a>
</form>
<nav class="tabs" aria-label="Customers by status">
  <ul>{{#STATUS_TAB}}<li><a href="{{TAB_URL}}" {{#TAB_CURRENT}}aria-current="page"{{/TAB_CURRENT}}>{{TAB_LABEL}} <span class="count">{{TAB_COUNT}}</span></a></li>{{/STATUS_TAB}}</ul>
</nav>
<p class="result-count" id="result-count">{{RESULT_COUNT}} {{#HAS_ROWS}}customers{{/HAS_ROWS}}{{#NO_MATCHES}}customers{{/NO_MATCHES}}{{#EMPTY}}customers{{/EMPTY}}</p>
{{#SEARCH_CAPPED}}<p class="notice">More than 1,000 customers match; the first 1,000 matches are shown. Type more of the e-mail or name to narrow the search.</p>{{/SEARCH_CAPPED}}
{{#HAS_ROWS}}
<div class="table-wrap">
<table class="list" aria-describedby="result-count">
  <thead><tr>
    {{#SORT_NAME}}<th scope="col" aria-sort="{{ARIA_SORT}}"><a href="{{HEADER_URL}}">{{HEADER_LABEL}} <span class="arrow" aria-hidden="true">{{SORT_ARROW}}</span></a></th>{{/SORT_NAME}}
    {{#SORT_EMAIL}}<th scope="col" aria-sort="{{ARIA_SORT}}"><a href="{{HEADER_URL}}">{{HEADER_LABEL}} <span class="arrow" aria-hidden="true">{{SORT_ARROW}}</span></a></th>{{/SORT_EMAIL}}
    <th scope="col">Type</th>
    <th scope="col">Status</th>
    {{#SORT_MRR}}<th scope="col" class="num" aria-sort="{{ARIA_SORT}}"><a href="{{HEADER_URL}}">{{HEADER_LABEL}} <span class="arrow" aria-hidden="true">{{SORT_ARROW}}</span></a></th>{{/SORT_MRR}}
    {{#SORT_DEVICES}}<th scope="col" class="num" aria-sort="{{ARIA_SORT}}"><a href="{{HEADER_URL}}">{{HEADER_LABEL}} <span class="arrow" aria-hidden="true">{{SORT_ARROW}}</span></a></th>{{/SORT_DEVICES}}
    <th scope="col" class="num">Orders</th>
    {{#SORT_CREATED}}<th scope="col" aria-sort="{{ARIA_SORT}}"><a href="{{HEADER_URL}}">{{HEADER_LABEL}} <span class="arrow" aria-hidden="true">{{SORT_ARROW}}</span></a></th>{{/SORT_CREATED}}
  </tr></thead>
  <tbody>
  {{#CUSTOMER}}<tr>
    <td><a href="{{CUSTOMER_URL}}">{{CUSTOMER_NAME}}</a>{{#HAS_COMPANY}}<br><span class="sub">{{COMPANY}}</span>{{/HAS_COMPANY}}<br><code class="id">{{CUSTOMER_ID}}</code></td>
    <td data-label="E-mail">{{EMAIL}}</td>
    <td data-label="Type">{{TYPE_LABEL}}</td>
    <td data-label="Status"><span class="badge badge-{{STATUS}}">{{STATUS}}</span></td>
    <td class="num" data-label="MRR">{{MRR}}</td>
    <td class="num" data-label="Devices">{{DEVICES}}</td>
    <td class="num" data-label="Orders">{{ORDERS}}</td>
    <td data-label="Created"><time datetime="{{CREATED_ISO}}" title="{{CREATED}}">{{CREATED_AGO}}</time> <span class="when">{{CREATED}}</span></td>
  </tr>{{/CUSTOMER}}
  </tbody>
</table>
</div>
{{/HAS_ROWS}}
{{#NO_MATCHES}}<p class="empty">No customer matches this search. Search looks at the beginning of the e-mail, the first or last name, and the company.</p>
<p><a href="/customers">Clear the search and filters</a></p>{{/NO_MATCHES}}
{{#EMPTY}}<p class="empty">No customers with these filters.</p>
<p><a href="/customers">Show all active customers</a></p>{{/EMPTY}}
<nav class="pager" aria-label="Pages">
  {{#FIRST}}<a href="{{FIRST_URL}}">« First page</a>{{/FIRST}}
  {{#NEXT}}<a href="{{NEXT_URL}}" rel="next">Next page »</a>{{/NEXT}}
</nav>
