/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names of cellmgrd's D-Bus API, shared by cellmgrd and cellctl: service, objects,
 * interfaces, errors and polkit actions.  org.cellvisor.cell1(5) documents them,
 * bus-interfaces/org.cellvisor.cell1.{Manager,Cell}.xml are the contract of the interfaces.
 */
#ifndef CELLVISOR_BUS_H
#define CELLVISOR_BUS_H

#define CV_BUS_SERVICE			"org.cellvisor.cell1"
#define CV_BUS_MANAGER_PATH		"/org/cellvisor/cell1"
/* A cell's object: this, "/", sd_bus_path_encode() of its name. */
#define CV_BUS_CELL_PATH_PREFIX		CV_BUS_MANAGER_PATH "/cell"
#define CV_BUS_MANAGER_IFACE		CV_BUS_SERVICE ".Manager"
#define CV_BUS_CELL_IFACE		CV_BUS_SERVICE ".Cell"

/* polkit actions (units/org.cellvisor.cell1.policy) */
#define CV_BUS_ACTION_HYPERVISOR	CV_BUS_SERVICE ".manage-hypervisor"
#define CV_BUS_ACTION_CELLS		CV_BUS_SERVICE ".manage-cells"
#define CV_BUS_ACTION_TERMINATE		CV_BUS_SERVICE ".terminate-cells"

/* Errors, as org.cellvisor.cell1(5) lists them. */
#define CV_BUS_ERROR_PREFIX		CV_BUS_SERVICE ".Error."
#define CV_BUS_ERROR_ALREADY_ENABLED	CV_BUS_ERROR_PREFIX "AlreadyEnabled"
#define CV_BUS_ERROR_BUSY		CV_BUS_ERROR_PREFIX "Busy"
#define CV_BUS_ERROR_CELL_EXISTS	CV_BUS_ERROR_PREFIX "CellExists"
#define CV_BUS_ERROR_CELLS_REMAINING	CV_BUS_ERROR_PREFIX "CellsRemaining"
#define CV_BUS_ERROR_CPU_BUSY		CV_BUS_ERROR_PREFIX "CPUBusy"
#define CV_BUS_ERROR_DEVICE_BUSY	CV_BUS_ERROR_PREFIX "DeviceBusy"
#define CV_BUS_ERROR_DRIVER_ERROR	CV_BUS_ERROR_PREFIX "DriverError"
#define CV_BUS_ERROR_HYPERVISOR_LOCKED	CV_BUS_ERROR_PREFIX "HypervisorLocked"
#define CV_BUS_ERROR_INVALID_CONFIGURATION CV_BUS_ERROR_PREFIX "InvalidConfiguration"
#define CV_BUS_ERROR_INVALID_IMAGE	CV_BUS_ERROR_PREFIX "InvalidImage"
#define CV_BUS_ERROR_INVALID_STATE	CV_BUS_ERROR_PREFIX "InvalidState"
#define CV_BUS_ERROR_MEMORY_BUSY	CV_BUS_ERROR_PREFIX "MemoryBusy"
#define CV_BUS_ERROR_NO_RESOURCES	CV_BUS_ERROR_PREFIX "NoResources"
#define CV_BUS_ERROR_NO_SUCH_CELL	CV_BUS_ERROR_PREFIX "NoSuchCell"
#define CV_BUS_ERROR_NOT_AUTHORIZED	CV_BUS_ERROR_PREFIX "NotAuthorized"
#define CV_BUS_ERROR_NOT_ENABLED	CV_BUS_ERROR_PREFIX "NotEnabled"
#define CV_BUS_ERROR_NOT_SUPPORTED	CV_BUS_ERROR_PREFIX "NotSupported"
#define CV_BUS_ERROR_SHUTDOWN_REFUSED	CV_BUS_ERROR_PREFIX "ShutdownRefused"
#define CV_BUS_ERROR_SHUTDOWN_TIMEOUT	CV_BUS_ERROR_PREFIX "ShutdownTimeout"
#define CV_BUS_ERROR_SHUTTING_DOWN	CV_BUS_ERROR_PREFIX "ShuttingDown"
#define CV_BUS_ERROR_TERMINATE_FAILED	CV_BUS_ERROR_PREFIX "TerminateFailed"

#endif /* CELLVISOR_BUS_H */
