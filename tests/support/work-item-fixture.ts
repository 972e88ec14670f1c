/** The actor and work item the delivery tests save with (server-layer inputs, no form parsing). */
export const ACTOR = { id: "user-test", name: "Tess Technician" };
export const ITEM = {
  title: "Cracked screen",
  description: "",
  customerName: "Ana Novak",
  customerEmail: null,
  customerPhone: null,
  device: "iPhone 13",
  serialNumber: null,
  status: "new" as const,
  priority: "normal" as const,
  priceCents: 12000,
  technicianId: null,
};
