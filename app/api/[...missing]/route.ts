import { notFound } from "../http";

/** An API address that matches no route: the API's JSON 404, not the pages' catch-all. */
function missing() {
  return notFound("No such API route");
}

export { missing as DELETE, missing as GET, missing as PATCH, missing as POST, missing as PUT };
