import { notFound } from "next/navigation";

/** An address that matches no page: the app's 404 inside the shell (not Next's bare one). */
export default function MissingPage() {
  notFound();
}
