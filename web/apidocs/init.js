// Renders this server's OpenAPI document with Swagger UI. Everything comes
// from this server: the bundle is embedded in the binary, so the reference
// works offline.
window.ui = SwaggerUIBundle({
  url: "/openapi.yaml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
});
