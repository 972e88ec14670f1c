import { Alert } from "@/components/ui/alert";
import type { EditConflict } from "@/server/auth/guard";
import { FIELD_LABELS, PRIORITY_LABELS, STATUS_LABELS } from "./labels";

function shown(field: string, value: string, technicians: { id: string; name: string }[]): string {
  if (value === "") return field === "technicianId" ? "Unassigned" : "—";
  if (field === "status") return STATUS_LABELS[value as keyof typeof STATUS_LABELS] ?? value;
  if (field === "priority") return PRIORITY_LABELS[value as keyof typeof PRIORITY_LABELS] ?? value;
  if (field === "technicianId") return technicians.find((t) => t.id === value)?.name ?? "Unknown technician";
  return value;
}

/**
 * A save refused because someone saved first: their changes beside yours, field by field. The form
 * under it already holds theirs where you did not type and yours where you did; saving again applies
 * it on top of their revision. "Discard mine" reloads what is saved.
 */
export function ConflictPanel({
  conflict,
  technicians,
  reloadHref,
}: {
  conflict: EditConflict;
  technicians: { id: string; name: string }[];
  reloadHref?: string;
}) {
  const who = conflict.by.length ? conflict.by.join(" and ") : "Someone";
  return (
    <Alert
      variant="warning"
      title={`Not saved: ${who} saved revision ${conflict.revision} while you were editing`}
    >
      <p>
        Nothing was overwritten. Their changes are in the form now; where you changed the same field, yours is
        kept. Check and save again
        {reloadHref ? (
          <>
            {", or "}
            <a href={reloadHref} className="font-medium underline underline-offset-2 hover:no-underline">
              discard your changes
            </a>
          </>
        ) : null}
        .
      </p>
      {conflict.fields.length ? (
        <table className="mt-3 w-full table-fixed text-left text-xs">
          <caption className="sr-only">Their changes beside yours</caption>
          <thead>
            <tr className="text-amber-800">
              <th scope="col" className="w-1/4 py-1 pr-2 font-semibold">
                Field
              </th>
              <th scope="col" className="py-1 pr-2 font-semibold">
                Theirs
              </th>
              <th scope="col" className="py-1 font-semibold">
                Yours
              </th>
            </tr>
          </thead>
          <tbody className="align-top">
            {conflict.fields.map((f) => (
              <tr key={f.field} className="border-t border-amber-200">
                <th scope="row" className="py-1.5 pr-2 font-medium">
                  {FIELD_LABELS[f.field] ?? f.field}
                </th>
                <td className="py-1.5 pr-2 break-words">{shown(f.field, f.theirs, technicians)}</td>
                <td className="py-1.5 break-words">
                  {f.yours === null ? (
                    <span className="text-amber-800 italic">not changed by you: theirs is in the form</span>
                  ) : (
                    <>
                      <strong className="font-semibold">{shown(f.field, f.yours, technicians)}</strong>
                      <span className="block text-amber-800 italic">kept in the form</span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Alert>
  );
}
