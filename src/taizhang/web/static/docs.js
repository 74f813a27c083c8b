// The API reference: the vendored Swagger UI over this server's own OpenAPI schema.
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
