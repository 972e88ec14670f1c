import type { SubjectType } from "@/db/schema";

const SUBJECT_LABEL = { workitem: "WorkItem", task: "Task" } as const satisfies Record<SubjectType, string>;

/** How log lines name a changed object: "WorkItem RMA-000123" or "Task 45 of RMA-000123". */
export function describeSubject(subject: {
  subjectType: SubjectType;
  subjectId: number;
  reference: string;
}): string {
  const { subjectType, subjectId, reference } = subject;
  return subjectType === "workitem"
    ? `${SUBJECT_LABEL.workitem} ${reference}`
    : `${SUBJECT_LABEL[subjectType]} ${subjectId} of ${reference}`;
}

/** The shop's short name of a synced object in log lines: "workitem:123", "task:45". */
export function subjectKey(sync: { subjectType: SubjectType; subjectId: number }): string {
  return `${sync.subjectType}:${sync.subjectId}`;
}
