import { defineMatrix } from "./define-matrix.js";

// Seed 000, "User roles and permissions", cell for cell. Each label is the product's words; the actions
// behind it are what the words mean. Pages where "some are reserved for Mindful staff" carry a reserved
// action that no organization role can hold; only platform staff do.

const crud = ["view", "create", "edit", "delete"] as const;
const viewOnly = { label: "View only", actions: ["view"] } as const;
const mostSettings = {
  label: "Most settings (some are reserved for Mindful staff)",
  actions: "all",
} as const;

/** The permission matrix of seed 000, with the personal profile page every role grants. */
export const defaultMatrix = defineMatrix({
  components: {
    callback: {
      label: "Callback",
      description:
        "Callback user roles grant access to pages related to Call Targets, Scheduler widgets, reports, and more.",
      pages: {
        overview: { label: "Callback Overview (coming soon)", actions: ["view"] },
        status: { label: "Callback Status", actions: ["view"] },
        "call-detail": { label: "Call Detail", actions: ["view"] },
        insights: { label: "Insights", actions: ["view"] },
        exports: { label: "Exports", actions: ["view", "export", "export-audit"] },
        "global-settings": {
          label: "Global Settings",
          actions: ["view", "edit", "edit-messaging", "edit-reserved"],
          reserved: ["edit-reserved"],
        },
        "call-targets": {
          label: "Call Targets",
          actions: [...crud, "edit-reserved"],
          reserved: ["edit-reserved"],
        },
        "smart-rules": { label: "Smart Rules", actions: crud },
        "business-units": { label: "Business Units", actions: crud },
        "media-sets": { label: "Media Sets", actions: crud },
        "phone-numbers": { label: "Phone Numbers", actions: crud },
        widgets: { label: "Widgets", actions: crud },
        templates: { label: "Templates", actions: crud },
        intents: { label: "Intents", actions: crud },
        "user-data-sets": { label: "User Data Sets", actions: crud },
        "access-control-policies": { label: "Access Control Policies", actions: crud },
        api: { label: "API", actions: crud },
        alerts: { label: "Alerts", actions: ["view", "acknowledge", "clear", "configure"] },
      },
      roles: {
        administrator: {
          label: "Administrator",
          grants: {
            overview: "all",
            status: "all",
            "call-detail": "all",
            insights: "all",
            exports: "all",
            "global-settings": mostSettings,
            "call-targets": mostSettings,
            "smart-rules": "all",
            "business-units": "all",
            "media-sets": "all",
            "phone-numbers": "all",
            widgets: "all",
            templates: "all",
            intents: "all",
            "user-data-sets": "all",
            "access-control-policies": "all",
            api: "all",
            alerts: "all",
          },
        },
        manager: {
          label: "Manager",
          grants: {
            overview: "all",
            status: "all",
            "call-detail": "all",
            insights: "all",
            exports: "all",
            "global-settings": { label: "Some settings (no messaging)", actions: ["view", "edit"] },
            "call-targets": mostSettings,
            "smart-rules": "all",
            "business-units": "none",
            "media-sets": "all",
            "phone-numbers": "all",
            widgets: "all",
            templates: "all",
            intents: "all",
            "user-data-sets": "all",
            "access-control-policies": viewOnly,
            api: "all",
            alerts: "all",
          },
        },
        viewer: {
          label: "Viewer",
          grants: {
            overview: "all",
            status: "all",
            "call-detail": "all",
            insights: "all",
            exports: { label: "All except for Audit reports", actions: ["view", "export"] },
            "global-settings": "none",
            "call-targets": "none",
            "smart-rules": "none",
            "business-units": "none",
            "media-sets": "none",
            "phone-numbers": viewOnly,
            widgets: "none",
            templates: "none",
            intents: "none",
            "user-data-sets": "none",
            "access-control-policies": "none",
            api: "none",
            alerts: { label: "View Only - cannot acknowledge/clear alerts", actions: ["view"] },
          },
        },
      },
    },
    connections: {
      label: "Connections",
      description:
        "The Connections administrator role grants full access to configure and enable any available connection.",
      pages: { connections: { label: "Connections", actions: ["view", "configure", "enable"] } },
      roles: { administrator: { label: "Administrator", grants: { connections: "all" } } },
    },
    datastore: {
      label: "Datastore",
      description:
        "These roles grant access to the Lookup Data Set and Data Set Templates pages to manage Mindful Datastore.",
      pages: {
        "lookup-data-set": { label: "Lookup Data Set", actions: crud },
        "data-set-templates": { label: "Data Set Templates", actions: crud },
      },
      roles: {
        administrator: {
          label: "Administrator",
          grants: { "lookup-data-set": "all", "data-set-templates": "all" },
        },
        agent: { label: "Agent", grants: { "lookup-data-set": "all", "data-set-templates": "none" } },
      },
    },
    handoff: {
      label: "Handoff",
      description:
        "Handoff user roles grant access to the Block List and Message Lookup pages. All Handoff roles can view and search for entries on both pages.",
      pages: {
        "block-list": { label: "Block List", actions: ["view", "search", "create", "delete"] },
        "message-lookup": { label: "Message Lookup", actions: ["view", "search"] },
      },
      roles: {
        administrator: { label: "Administrator", grants: { "block-list": "all", "message-lookup": "all" } },
        manager: { label: "Manager", grants: { "block-list": "all", "message-lookup": "all" } },
        viewer: { label: "Viewer", grants: { "block-list": "all", "message-lookup": "all" } },
      },
    },
    "mindful-api": {
      label: "Mindful API",
      description: "The Mindful API user roles grant access to the Application Clients page.",
      pages: { "application-clients": { label: "Application Clients", actions: crud } },
      roles: {
        administrator: { label: "Administrator", grants: { "application-clients": "all" } },
        viewer: { label: "Viewer", grants: { "application-clients": viewOnly } },
      },
    },
    platform: {
      label: "Platform Management",
      description: "These roles grant access to manage user accounts and roles.",
      pages: {
        "user-management": {
          label: "User Management",
          // Beyond the seed's words: the audit log, lifting a lock (where the policy allows one) and the
          // organization's security settings (where its members set them) belong to "All" alone.
          actions: [
            "view",
            "invite",
            "edit",
            "delete",
            "reset-password",
            "view-audit",
            "unlock",
            "configure",
          ],
        },
        "application-roles": { label: "Application Roles", actions: crud },
      },
      roles: {
        administrator: {
          label: "Administrator",
          grants: { "user-management": "all", "application-roles": "all" },
        },
        manager: {
          label: "Manager",
          grants: {
            "user-management": { label: "View and edit existing users", actions: ["view", "edit"] },
            "application-roles": {
              label: "View default roles / View and edit existing custom roles",
              actions: ["view", "edit"],
            },
          },
        },
        viewer: {
          label: "Viewer",
          grants: { "user-management": viewOnly, "application-roles": viewOnly },
        },
      },
    },
    webhooks: {
      label: "Webhooks",
      description: "Webhooks user roles grant access to the Webhooks page.",
      pages: { webhooks: { label: "Webhooks", actions: crud } },
      roles: {
        administrator: { label: "Administrator", grants: { webhooks: "all" } },
        viewer: { label: "Viewer", grants: { webhooks: viewOnly } },
      },
    },
  },
  // "Note: All roles grant access to the user's personal profile page."
  personal: {
    profile: { label: "Your Account", actions: ["view", "edit"] },
  },
});

/**
 * The matrix of seed 003 (a team): one role, and every member may add, edit and remove users and reset
 * passwords ("All users who sign in to your team account are able to add or remove existing users, reset
 * passwords, and edit accounts"). Its page ids match `defaultMatrix`'s Platform Management pages, so the
 * service's default flow permissions apply to both.
 */
export const teamMatrix = defineMatrix({
  components: {
    platform: {
      label: "Settings",
      description: "Every member of the team manages its users.",
      pages: {
        "user-management": {
          label: "User Management",
          actions: [
            "view",
            "invite",
            "edit",
            "delete",
            "reset-password",
            "view-audit",
            "unlock",
            "configure",
          ],
        },
        "application-roles": { label: "Application Roles", actions: ["view", "create", "edit", "delete"] },
      },
      roles: {
        member: {
          label: "Member",
          grants: {
            "user-management": "all",
            "application-roles": { label: "View only", actions: ["view"] },
          },
        },
      },
    },
  },
  personal: { profile: { label: "Your Account", actions: ["view", "edit"] } },
});
