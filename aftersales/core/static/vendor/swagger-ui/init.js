// Starts Swagger UI on the API docs page (no inline script: the page's CSP allows none).
// The settings come from a JSON <script type="application/json"> element the server renders.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  if (csrf) {
    settings.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = csrf;
      return req;
    };
  }
  SwaggerUIBundle(settings);
})();
